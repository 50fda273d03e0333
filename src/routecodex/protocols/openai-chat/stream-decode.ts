/** OpenAI `chat.completion.chunk` SSE → canonical stream events (upstream). */
import {
  EMPTY_USAGE,
  UpstreamFailure,
  mergeUsage,
  type PartStart,
  type StreamEvent,
  type Usage,
} from '../../canonical/index.js';
import { isRecord, newToolCallId } from '../common.js';
import { looksLikeObject, statefulKeyPattern } from '../event-scan.js';
import { parseSseJson, type SseEvent } from '../sse.js';
import type { StreamDecoder } from '../types.js';
import { decodeInBandError } from './errors.js';
import { stopReasonFromFinish, usageFromWire } from './mapping.js';
import { WireChunk, malformed, reasoningText, type WireChunkT, type WireToolCallT } from './wire-schema.js';

/** What makes a chunk more than a plain delta: tool calls, an error, a finish, usage, a refusal. */
const STATEFUL_KEYS = statefulKeyPattern(['tool_calls', 'error'], ['finish_reason', 'usage', 'refusal']);

interface OpenPart {
  index: number;
  kind: PartStart['type'];
}

interface ToolCallState {
  part: number;
  id: string;
}

export class ChatStreamDecoder implements StreamDecoder {
  private started = false;
  private done = false;
  private nextPart = 0;
  private open: OpenPart | undefined;
  /** Tool calls by their wire `index`. */
  private readonly calls = new Map<number, ToolCallState>();
  private lastCallKey: number | undefined;
  private sawFinish = false;
  private finishReason: string | undefined;
  private refusal = false;
  private usage: Usage = { ...EMPTY_USAGE };

  push(event: SseEvent): StreamEvent[] {
    if (this.done) return [];
    const out: StreamEvent[] = [];
    const data = event.data.trim();
    if (data === '') return out;
    if (data === '[DONE]') {
      if (!this.started) return this.fail(out, 'stream_broken', 'upstream stream sent [DONE] before any chunk');
      return this.complete(out);
    }
    const json = parseSseJson(data);
    if (event.event === 'error' || (isRecord(json) && json.error != null)) {
      out.push({ type: 'error', failure: decodeInBandError(json ?? data) });
      this.done = true;
      return out;
    }
    if (json === undefined) return this.fail(out, 'malformed', `upstream sent an unparseable data line: ${data.slice(0, 200)}`);
    const parsed = WireChunk.safeParse(json);
    if (!parsed.success) {
      out.push({ type: 'error', failure: malformed('upstream chat chunk is malformed', parsed.error.issues) });
      this.done = true;
      return out;
    }
    this.chunk(parsed.data, out);
    return out;
  }

  /** A chunk with no tool call, finish, usage, refusal or error: only text/reasoning deltas. */
  isPlainDelta(event: SseEvent): boolean {
    if (this.done || !this.started || event.event !== undefined) return false;
    return looksLikeObject(event.data) && !STATEFUL_KEYS.test(event.data);
  }

  end(): StreamEvent[] {
    if (this.done) return [];
    const out: StreamEvent[] = [];
    // Some servers close the connection after finish_reason (and usage) without sending [DONE].
    if (this.sawFinish) return this.complete(out);
    return this.fail(out, 'stream_broken', 'upstream stream ended before a finish_reason or [DONE]');
  }

  private chunk(c: WireChunkT, out: StreamEvent[]): void {
    if (!this.started) {
      this.started = true;
      out.push({ type: 'message_start', id: c.id ?? '', model: c.model ?? '' });
    }
    const choice = c.choices?.find((ch) => (ch.index ?? 0) === 0);
    const delta = choice?.delta;
    if (delta) {
      const reasoning = reasoningText(delta);
      if (reasoning) out.push({ type: 'reasoning_delta', index: this.ensure('reasoning', out), text: reasoning });
      if (delta.content) out.push({ type: 'text_delta', index: this.ensure('text', out), text: delta.content });
      if (delta.refusal) {
        this.refusal = true;
        out.push({ type: 'text_delta', index: this.ensure('text', out), text: delta.refusal });
      }
      for (const f of delta.tool_calls ?? []) {
        if (!this.toolFragment(f, out)) return;
      }
    }
    if (choice?.finish_reason) {
      this.sawFinish = true;
      this.finishReason = choice.finish_reason;
      this.closeOpen(out);
    }
    if (c.usage) {
      const usage = usageFromWire(c.usage);
      if (Object.keys(usage).length > 0) {
        this.usage = mergeUsage(this.usage, usage);
        out.push({ type: 'usage', usage });
      }
    }
  }

  /** Handles one `delta.tool_calls[]` fragment; false when it ended the stream with an error. */
  private toolFragment(f: WireToolCallT, out: StreamEvent[]): boolean {
    const key = f.index ?? this.keyWithoutIndex(f);
    const known = this.calls.get(key);
    // A fragment with a different id at a known index is a new call (some servers reuse index 0).
    if (known === undefined || (f.id && f.id !== known.id)) {
      this.closeOpen(out);
      const id = f.id || newToolCallId();
      const index = this.nextPart++;
      this.open = { index, kind: 'tool_call' };
      this.calls.set(key, { part: index, id });
      out.push({ type: 'part_start', index, part: { type: 'tool_call', id, name: f.function?.name ?? '' } });
    } else if (this.open?.kind !== 'tool_call' || this.open.index !== known.part) {
      this.fail(
        out,
        'malformed',
        `upstream sent a fragment for tool call ${key} after that call ended: interleaved tool-call fragments are not supported`,
      );
      return false;
    }
    this.lastCallKey = key;
    const args = f.function?.arguments;
    if (args) out.push({ type: 'tool_arguments_delta', index: this.open.index, json: args });
    return true;
  }

  /** Servers that omit `index`: a fragment with a new id starts a call, the others continue the last one. */
  private keyWithoutIndex(f: WireToolCallT): number {
    const last = this.lastCallKey === undefined ? undefined : this.calls.get(this.lastCallKey);
    if (last !== undefined && (!f.id || f.id === last.id)) return this.lastCallKey!;
    return this.calls.size === 0 ? 0 : Math.max(...this.calls.keys()) + 1;
  }

  /** The open part's index, opening a part of `kind` first when another (or none) is open. */
  private ensure(kind: 'text' | 'reasoning', out: StreamEvent[]): number {
    if (this.open?.kind === kind) return this.open.index;
    this.closeOpen(out);
    const index = this.nextPart++;
    this.open = { index, kind };
    out.push({ type: 'part_start', index, part: { type: kind } });
    return index;
  }

  private closeOpen(out: StreamEvent[]): void {
    if (!this.open) return;
    out.push({ type: 'part_end', index: this.open.index });
    this.open = undefined;
  }

  private complete(out: StreamEvent[]): StreamEvent[] {
    this.closeOpen(out);
    const stopReason = this.refusal ? 'refusal' : stopReasonFromFinish(this.finishReason, this.calls.size > 0);
    out.push({ type: 'message_end', stopReason, usage: this.usage });
    this.done = true;
    return out;
  }

  private fail(out: StreamEvent[], cls: 'malformed' | 'stream_broken', message: string): StreamEvent[] {
    out.push({ type: 'error', failure: new UpstreamFailure({ class: cls, message }) });
    this.done = true;
    return out;
  }
}
