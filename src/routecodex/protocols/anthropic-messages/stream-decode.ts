/** Anthropic Messages SSE → canonical stream events (upstream). */
import { z } from 'zod';
import { UpstreamFailure, type PartStart, type StopReason, type StreamEvent } from '../../canonical/index.js';
import { isRecord } from '../common.js';
import { firstTypeIsOneOf, looksLikeObject } from '../event-scan.js';
import { parseSseJson, type SseEvent } from '../sse.js';
import type { StreamDecoder } from '../types.js';
import { streamErrorFailure } from './errors.js';
import {
  mergeAnthropicUsage,
  signatureFromWire,
  stopReasonFromAnthropic,
  usageFromAnthropic,
  type AnthropicUsage,
} from './mapping.js';
import { UsageSchema } from './response-decode.js';

const MessageStartSchema = z.object({
  message: z.looseObject({ id: z.string(), model: z.string(), usage: UsageSchema.nullish() }),
});
const BlockStartSchema = z.object({ index: z.number(), content_block: z.looseObject({ type: z.string() }) });
const TextStart = z.looseObject({ text: z.string().nullish() });
const ThinkingStart = z.looseObject({ thinking: z.string().nullish(), signature: z.string().nullish() });
const RedactedStart = z.looseObject({ data: z.string() });
const ToolUseStart = z.looseObject({ id: z.string(), name: z.string(), input: z.unknown() });
const BlockDeltaSchema = z.object({
  index: z.number(),
  delta: z.looseObject({
    type: z.string(),
    text: z.string().optional(),
    thinking: z.string().optional(),
    signature: z.string().optional(),
    partial_json: z.string().optional(),
  }),
});
const BlockStopSchema = z.object({ index: z.number() });
const MessageDeltaSchema = z.object({
  delta: z.looseObject({ stop_reason: z.string().nullish(), stop_sequence: z.string().nullish() }).nullish(),
  usage: UsageSchema.nullish(),
});

const PLAIN_DELTA_TYPES: ReadonlySet<string> = new Set(['content_block_delta']);

function malformed(message: string): UpstreamFailure {
  return new UpstreamFailure({ class: 'malformed', message });
}

export class AnthropicStreamDecoder implements StreamDecoder {
  private started = false;
  private done = false;
  private usage: AnthropicUsage = {};
  private stopReason: StopReason | undefined;
  private stopSequence: string | undefined;
  /** Anthropic block index → canonical part index (blocks with no canonical form are absent). */
  private readonly parts = new Map<number, number>();
  private nextPart = 0;
  private open: number | undefined;

  push(sse: SseEvent): StreamEvent[] {
    if (this.done) return [];
    const data = parseSseJson(sse.data);
    if (!isRecord(data)) return this.fail(malformed(`unparseable Anthropic stream data: ${sse.data.slice(0, 200)}`));
    const type = typeof data['type'] === 'string' ? data['type'] : sse.event;
    if (type === 'ping') return [];
    if (type === 'error') return this.fail(streamErrorFailure(data));
    if (type !== 'message_start' && !this.started) return this.fail(malformed(`Anthropic stream sent ${type} before message_start`));
    const out: StreamEvent[] = [];
    switch (type) {
      case 'message_start':
        return this.messageStart(data);
      case 'content_block_start':
        return this.blockStart(data);
      case 'content_block_delta':
        return this.blockDelta(data);
      case 'content_block_stop': {
        const r = BlockStopSchema.safeParse(data);
        if (!r.success) return this.fail(malformed('malformed content_block_stop'));
        const index = this.parts.get(r.data.index);
        if (index !== undefined && index === this.open) this.closeOpen(out);
        return out;
      }
      case 'message_delta': {
        const r = MessageDeltaSchema.safeParse(data);
        if (!r.success) return this.fail(malformed('malformed message_delta'));
        if (r.data.delta?.stop_reason) this.stopReason = stopReasonFromAnthropic(r.data.delta.stop_reason);
        if (typeof r.data.delta?.stop_sequence === 'string') this.stopSequence = r.data.delta.stop_sequence;
        if (r.data.usage) this.usage = mergeAnthropicUsage(this.usage, r.data.usage);
        return [];
      }
      case 'message_stop':
        this.closeOpen(out);
        this.done = true;
        out.push({
          type: 'message_end',
          stopReason: this.stopReason ?? 'end_turn',
          ...(this.stopReason === 'stop_sequence' && this.stopSequence !== undefined ? { stopSequence: this.stopSequence } : {}),
          usage: usageFromAnthropic(this.usage),
        });
        return out;
      default:
        return []; // unknown event types are ignored, as the SDK does
    }
  }

  /** A content_block_delta (text, thinking, signature, tool input): it changes no decoder state. */
  isPlainDelta(sse: SseEvent): boolean {
    if (this.done || !this.started || (sse.event !== undefined && sse.event !== 'content_block_delta')) return false;
    return looksLikeObject(sse.data) && firstTypeIsOneOf(sse.data, PLAIN_DELTA_TYPES);
  }

  end(): StreamEvent[] {
    if (this.done) return [];
    return this.fail(new UpstreamFailure({ class: 'stream_broken', message: 'Anthropic stream ended before message_stop' }));
  }

  private fail(failure: UpstreamFailure): StreamEvent[] {
    this.done = true;
    return [{ type: 'error', failure }];
  }

  private messageStart(data: Record<string, unknown>): StreamEvent[] {
    if (this.started) return this.fail(malformed('Anthropic stream sent a second message_start'));
    const r = MessageStartSchema.safeParse(data);
    if (!r.success) return this.fail(malformed('malformed message_start'));
    this.started = true;
    const out: StreamEvent[] = [{ type: 'message_start', id: r.data.message.id, model: r.data.message.model }];
    if (r.data.message.usage) {
      this.usage = mergeAnthropicUsage(this.usage, r.data.message.usage);
      out.push({ type: 'usage', usage: usageFromAnthropic(this.usage) });
    }
    return out;
  }

  private closeOpen(out: StreamEvent[]): void {
    if (this.open === undefined) return;
    out.push({ type: 'part_end', index: this.open });
    this.open = undefined;
  }

  private blockStart(data: Record<string, unknown>): StreamEvent[] {
    const r = BlockStartSchema.safeParse(data);
    if (!r.success) return this.fail(malformed('malformed content_block_start'));
    const block = r.data.content_block;
    const out: StreamEvent[] = [];
    const index = this.nextPart;
    const begin = (part: PartStart): void => {
      this.closeOpen(out); // a block that was never stopped ends where the next begins
      this.parts.set(r.data.index, index);
      this.nextPart++;
      this.open = index;
      out.push({ type: 'part_start', index, part });
    };
    const bad = (): StreamEvent[] => this.fail(malformed(`malformed ${block.type} content_block_start`));
    switch (block.type) {
      case 'text': {
        const b = TextStart.safeParse(block);
        if (!b.success) return bad();
        begin({ type: 'text' });
        if (b.data.text) out.push({ type: 'text_delta', index, text: b.data.text });
        return out;
      }
      case 'thinking': {
        const b = ThinkingStart.safeParse(block);
        if (!b.success) return bad();
        begin({ type: 'reasoning' });
        if (b.data.thinking) out.push({ type: 'reasoning_delta', index, text: b.data.thinking });
        const signature = signatureFromWire(b.data.signature ?? undefined);
        if (signature) out.push({ type: 'reasoning_signature', index, signature });
        return out;
      }
      case 'redacted_thinking': {
        const b = RedactedStart.safeParse(block);
        if (!b.success) return bad();
        begin({ type: 'reasoning', redacted: true });
        const signature = signatureFromWire(b.data.data);
        if (signature) out.push({ type: 'reasoning_signature', index, signature });
        return out;
      }
      case 'tool_use': {
        const b = ToolUseStart.safeParse(block);
        if (!b.success) return bad();
        begin({ type: 'tool_call', id: b.data.id, name: b.data.name });
        // The API starts tool_use with `input: {}` and streams the JSON; a proxy may send it whole here.
        if (isRecord(b.data.input) && Object.keys(b.data.input).length > 0) {
          out.push({ type: 'tool_arguments_delta', index, json: JSON.stringify(b.data.input) });
        }
        return out;
      }
      default:
        // Server-tool blocks (server_tool_use, web_search_tool_result…) have no canonical form.
        return out;
    }
  }

  private blockDelta(data: Record<string, unknown>): StreamEvent[] {
    const r = BlockDeltaSchema.safeParse(data);
    if (!r.success) return this.fail(malformed('malformed content_block_delta'));
    const index = this.parts.get(r.data.index);
    if (index === undefined || index !== this.open) return [];
    const d = r.data.delta;
    switch (d.type) {
      case 'text_delta':
        return d.text ? [{ type: 'text_delta', index, text: d.text }] : [];
      case 'thinking_delta':
        return d.thinking ? [{ type: 'reasoning_delta', index, text: d.thinking }] : [];
      case 'signature_delta': {
        const signature = signatureFromWire(d.signature);
        return signature ? [{ type: 'reasoning_signature', index, signature }] : [];
      }
      case 'input_json_delta':
        return d.partial_json ? [{ type: 'tool_arguments_delta', index, json: d.partial_json }] : [];
      default:
        return []; // citations_delta and future delta types
    }
  }
}
