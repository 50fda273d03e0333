/**
 * Upstream Responses SSE → canonical stream events. Output items map to parts in output order: a message
 * item is a text part (output_text and refusal deltas), a reasoning item a reasoning part (summary parts
 * joined by a blank line, or raw reasoning_text), a function_call item one tool_call part whose arguments
 * come from the delta events (the `.done` arguments only when no delta was seen). Provider-executed items
 * (web_search_call…) have no part. response.completed / response.incomplete end the stream;
 * response.failed and `error` become an error event.
 */
import { z } from 'zod';
import { EMPTY_USAGE, UpstreamFailure, mergeUsage, type StreamEvent, type Usage } from '../../canonical/index.js';
import { isRecord } from '../common.js';
import { firstTypeIsOneOf, looksLikeObject } from '../event-scan.js';
import { parseSseJson, type SseEvent } from '../sse.js';
import type { StreamDecoder } from '../types.js';
import { decodeInBandFailure } from './errors.js';
import {
  FunctionCallOutput,
  MessageOutput,
  ReasoningOutput,
  decodeUsage,
  messageText,
  outputItemToPart,
  reasoningText,
  stopReasonOf,
} from './output-items.js';

interface ItemState {
  index: number;
  kind: 'text' | 'reasoning' | 'tool_call';
  /** Some text/argument content was emitted for this part. */
  emitted: boolean;
  /** Reasoning: the summary part being streamed, -1 before the first. */
  summary: number;
}

const Terminal = z.object({
  response: z
    .object({
      status: z.string().nullish(),
      incomplete_details: z.object({ reason: z.string().nullish() }).nullish(),
      output: z.array(z.unknown()).nullish(),
      usage: z.unknown().optional(),
    })
    .nullish(),
});

/**
 * Deltas whose skipping changes nothing that matters later: an item whose deltas were not seen gets its
 * content from its `.done` event instead. Refusal deltas are decoded (they set the stop reason).
 */
const PLAIN_DELTA_TYPES: ReadonlySet<string> = new Set([
  'response.output_text.delta',
  'response.reasoning_text.delta',
  'response.reasoning_summary_text.delta',
  'response.function_call_arguments.delta',
]);

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export class ResponsesStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false;
  private nextIndex = 0;
  private open: ItemState | undefined;
  private readonly byOutput = new Map<number | string, ItemState | null>();
  private usage: Usage = EMPTY_USAGE;
  private hasToolCall = false;
  private refused = false;

  push(event: SseEvent): StreamEvent[] {
    if (this.finished) return [];
    const data = parseSseJson(event.data);
    if (!isRecord(data)) {
      if (event.data.trim() === '[DONE]') return [];
      return this.fail(new UpstreamFailure({ class: 'malformed', message: `unparseable Responses stream event: ${event.data.slice(0, 200)}` }));
    }
    const type = str(data.type) ?? event.event ?? '';
    const out: StreamEvent[] = [];
    if (type === 'error') return this.fail(decodeInBandFailure({ code: data.code, message: data.message }));
    if (type === 'response.failed') {
      const response = isRecord(data.response) ? data.response : {};
      return this.fail(decodeInBandFailure(response.error ?? { message: 'upstream response failed' }));
    }
    if (!this.started) {
      const response = isRecord(data.response) ? data.response : {};
      out.push({ type: 'message_start', id: str(response.id) ?? '', model: str(response.model) ?? '' });
      this.started = true;
    }
    switch (type) {
      case 'response.output_item.added':
        this.itemAdded(data, out);
        break;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        if (type === 'response.refusal.delta') this.refused = true;
        this.delta(data, 'text', out);
        break;
      case 'response.reasoning_summary_part.added':
      case 'response.reasoning_summary_text.delta':
        this.summary(data, out);
        break;
      case 'response.reasoning_text.delta':
        this.delta(data, 'reasoning', out);
        break;
      case 'response.function_call_arguments.delta':
        this.delta(data, 'tool_call', out);
        break;
      case 'response.function_call_arguments.done': {
        const it = this.current(data);
        const args = str(data.arguments);
        if (it?.kind === 'tool_call' && !it.emitted && args) this.emitContent(it, args, out);
        break;
      }
      case 'response.output_item.done':
        this.itemDone(data, out);
        break;
      case 'response.completed':
      case 'response.incomplete':
        this.complete(data, out);
        break;
      default:
        break; // lifecycle (created, in_progress, queued), `.done` echoes, provider tool progress
    }
    return out;
  }

  isPlainDelta(event: SseEvent): boolean {
    if (this.finished || !this.started) return false;
    if (event.event !== undefined && !PLAIN_DELTA_TYPES.has(event.event)) return false;
    return looksLikeObject(event.data) && firstTypeIsOneOf(event.data, PLAIN_DELTA_TYPES);
  }

  end(): StreamEvent[] {
    if (this.finished) return [];
    return this.fail(new UpstreamFailure({ class: 'stream_broken', message: 'Responses stream ended without response.completed' }));
  }

  private fail(failure: UpstreamFailure): StreamEvent[] {
    this.finished = true;
    return [{ type: 'error', failure }];
  }

  /**
   * The open part an event refers to (by output_index, else item_id; the open part when the event names
   * neither); undefined for closed or ignored items.
   */
  private current(data: Record<string, unknown>): ItemState | undefined {
    const byIndex = typeof data.output_index === 'number' ? this.byOutput.get(data.output_index) : undefined;
    const itemId = str(data.item_id) ?? (isRecord(data.item) ? str(data.item.id) : undefined);
    const byId = itemId !== undefined ? this.byOutput.get(itemId) : undefined;
    const unkeyed = typeof data.output_index !== 'number' && itemId === undefined;
    const it = unkeyed ? this.open : (byIndex ?? byId);
    return it && it === this.open ? it : undefined;
  }

  private closeOpen(out: StreamEvent[]): void {
    if (!this.open) return;
    out.push({ type: 'part_end', index: this.open.index });
    this.open = undefined;
  }

  private startPart(kind: ItemState['kind'], keys: Array<number | string | undefined>, out: StreamEvent[], call?: { id: string; name: string }): ItemState {
    this.closeOpen(out);
    const it: ItemState = { index: this.nextIndex++, kind, emitted: false, summary: -1 };
    for (const k of keys) if (k !== undefined) this.byOutput.set(k, it);
    this.open = it;
    if (kind === 'tool_call') {
      this.hasToolCall = true;
      out.push({ type: 'part_start', index: it.index, part: { type: 'tool_call', id: call?.id ?? '', name: call?.name ?? '' } });
    } else out.push({ type: 'part_start', index: it.index, part: { type: kind } });
    return it;
  }

  private emitContent(it: ItemState, text: string, out: StreamEvent[]): void {
    if (text === '') return;
    it.emitted = true;
    if (it.kind === 'text') out.push({ type: 'text_delta', index: it.index, text });
    else if (it.kind === 'reasoning') out.push({ type: 'reasoning_delta', index: it.index, text });
    else out.push({ type: 'tool_arguments_delta', index: it.index, json: text });
  }

  private itemAdded(data: Record<string, unknown>, out: StreamEvent[]): void {
    const item = isRecord(data.item) ? data.item : {};
    const keys = [typeof data.output_index === 'number' ? data.output_index : undefined, str(item.id)];
    if (item.type === 'message') this.startPart('text', keys, out);
    else if (item.type === 'reasoning') this.startPart('reasoning', keys, out);
    else if (item.type === 'function_call') {
      const call = { id: str(item.call_id) ?? str(item.id) ?? '', name: str(item.name) ?? '' };
      const it = this.startPart('tool_call', keys, out, call);
      this.emitContent(it, str(item.arguments) ?? '', out);
    } else {
      this.closeOpen(out);
      for (const k of keys) if (k !== undefined) this.byOutput.set(k, null);
    }
  }

  private delta(data: Record<string, unknown>, kind: ItemState['kind'], out: StreamEvent[]): void {
    const it = this.current(data);
    if (it?.kind === kind) this.emitContent(it, str(data.delta) ?? '', out);
  }

  /** Summary parts of one reasoning item are joined by a blank line. */
  private summary(data: Record<string, unknown>, out: StreamEvent[]): void {
    const it = this.current(data);
    if (it?.kind !== 'reasoning') return;
    const index = typeof data.summary_index === 'number' ? data.summary_index : Math.max(it.summary, 0);
    if (index !== it.summary) {
      if (it.summary >= 0 && it.emitted) this.emitContent(it, '\n\n', out);
      it.summary = index;
    }
    this.emitContent(it, str(data.delta) ?? '', out);
  }

  private itemDone(data: Record<string, unknown>, out: StreamEvent[]): void {
    const it = this.current(data);
    if (!it) return;
    const item = data.item;
    if (it.kind === 'text') {
      const m = MessageOutput.safeParse(item);
      if (m.success) {
        const { text, refusal } = messageText(m.data);
        this.refused ||= refusal;
        if (!it.emitted) this.emitContent(it, text, out);
      }
    } else if (it.kind === 'reasoning') {
      const r = ReasoningOutput.safeParse(item);
      if (r.success) {
        if (!it.emitted) this.emitContent(it, reasoningText(r.data), out);
        const enc = r.data.encrypted_content;
        if (enc) out.push({ type: 'reasoning_signature', index: it.index, signature: { protocol: 'openai-responses', value: enc } });
      }
    } else {
      const f = FunctionCallOutput.safeParse(item);
      if (f.success && !it.emitted) this.emitContent(it, f.data.arguments ?? '', out);
    }
    this.closeOpen(out);
  }

  private complete(data: Record<string, unknown>, out: StreamEvent[]): void {
    const parsed = Terminal.safeParse(data);
    const response = parsed.success ? parsed.data.response : undefined;
    this.closeOpen(out);
    // A server that sends only the terminal event: its output items become the parts.
    if (this.nextIndex === 0) for (const item of response?.output ?? []) this.replay(item, out);
    this.usage = mergeUsage(this.usage, decodeUsage(response?.usage));
    const incomplete = response?.status === 'incomplete' || data.type === 'response.incomplete';
    const reason = incomplete ? (response?.incomplete_details?.reason ?? undefined) : undefined;
    out.push({ type: 'message_end', stopReason: stopReasonOf(reason, this.hasToolCall, this.refused), usage: this.usage });
    this.finished = true;
  }

  private replay(item: unknown, out: StreamEvent[]): void {
    const decoded = outputItemToPart(item);
    if (!decoded) return;
    const { part } = decoded;
    this.refused ||= decoded.refusal;
    if (part.type === 'text' && part.text === '') return;
    const it = this.startPart(part.type, [], out, part.type === 'tool_call' ? part : undefined);
    this.emitContent(it, part.type === 'tool_call' ? part.arguments : part.text, out);
    if (part.type === 'reasoning' && part.signature) out.push({ type: 'reasoning_signature', index: it.index, signature: part.signature });
    this.closeOpen(out);
  }
}

export function createResponsesStreamDecoder(): StreamDecoder {
  return new ResponsesStreamDecoder();
}
