/**
 * Canonical stream events → the Responses SSE event sequence the openai SDK's `responses.stream()`
 * accumulates: response.created, response.in_progress, then per part output_item.added (+ content_part.added
 * for a message, reasoning_summary_part.added once reasoning text starts), its deltas, the `.done` events
 * with full text/arguments, output_item.done with the full item, and finally response.completed (or
 * response.incomplete) carrying every output item and the usage. Every event has a `sequence_number`.
 */
import { EMPTY_USAGE, mergeUsage, type GatewayError, type StreamEvent, type UpstreamFailure, type Usage } from '../../canonical/index.js';
import { sseFrame } from '../sse.js';
import type { EncodeContext, StreamEncoder } from '../types.js';
import { encodeResponsesStreamError } from './errors.js';
import {
  finishOf,
  functionCallItem,
  itemId,
  messageItem,
  outputText,
  reasoningItem,
  responseObject,
} from './response-encode.js';

interface OpenItem {
  kind: 'text' | 'reasoning' | 'tool_call';
  outputIndex: number;
  id: string;
  text: string;
  /** Reasoning: a summary part was announced. */
  summaryOpen: boolean;
  /** output_item.added was sent (reasoning is announced lazily: with nothing to show it is skipped). */
  added: boolean;
  encrypted?: string;
  callId: string;
  name: string;
}

export class ResponsesStreamEncoder implements StreamEncoder {
  private seq = 0;
  private usage: Usage = EMPTY_USAGE;
  private readonly output: Array<Record<string, unknown>> = [];
  private open: OpenItem | undefined;
  private started = false;

  constructor(private readonly ctx: EncodeContext) {}

  private emit(type: string, fields: Record<string, unknown>): string {
    return sseFrame({ type, sequence_number: this.seq++, ...fields }, type);
  }

  private item(it: OpenItem): Record<string, string | number> {
    return { item_id: it.id, output_index: it.outputIndex };
  }

  encode(event: StreamEvent): string {
    switch (event.type) {
      case 'message_start':
        return this.start();
      case 'part_start':
        return this.start() + this.partStart(event.part);
      case 'text_delta':
        if (this.open?.kind !== 'text' || event.text === '') return '';
        this.open.text += event.text;
        return this.emit('response.output_text.delta', { ...this.item(this.open), content_index: 0, delta: event.text, logprobs: [] });
      case 'reasoning_delta':
        return this.reasoningDelta(event.text);
      case 'reasoning_signature':
        if (this.open?.kind === 'reasoning' && event.signature.protocol === 'openai-responses') this.open.encrypted = event.signature.value;
        return '';
      case 'tool_arguments_delta':
        if (this.open?.kind !== 'tool_call' || event.json === '') return '';
        this.open.text += event.json;
        return this.emit('response.function_call_arguments.delta', { ...this.item(this.open), delta: event.json });
      case 'part_end':
        return this.partEnd();
      case 'usage':
        this.usage = mergeUsage(this.usage, event.usage);
        return '';
      case 'message_end':
        return this.finish(event.stopReason, mergeUsage(this.usage, event.usage));
      case 'error':
        return this.encodeError(event.failure);
    }
  }

  encodeError(failure: UpstreamFailure | GatewayError): string {
    return encodeResponsesStreamError(failure, this.seq++);
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    const response = responseObject(this.ctx, 'in_progress', [], null);
    return this.emit('response.created', { response }) + this.emit('response.in_progress', { response });
  }

  private partStart(part: Extract<StreamEvent, { type: 'part_start' }>['part']): string {
    let out = this.partEnd(); // defensive: the invariants guarantee the previous part is closed
    const outputIndex = this.output.length;
    const base = { outputIndex, text: '', summaryOpen: false, added: true, callId: '', name: '' };
    if (part.type === 'text') {
      const it: OpenItem = { ...base, kind: 'text', id: itemId('msg', this.ctx.responseId, outputIndex) };
      this.open = it;
      out += this.emit('response.output_item.added', { output_index: outputIndex, item: messageItem(it.id, 'in_progress', []) });
      out += this.emit('response.content_part.added', { ...this.item(it), content_index: 0, part: outputText('') });
    } else if (part.type === 'reasoning') {
      this.open = { ...base, kind: 'reasoning', id: itemId('rs', this.ctx.responseId, outputIndex), added: false };
    } else {
      const it: OpenItem = { ...base, kind: 'tool_call', id: itemId('fc', this.ctx.responseId, outputIndex), callId: part.id, name: part.name };
      this.open = it;
      out += this.emit('response.output_item.added', {
        output_index: outputIndex,
        item: functionCallItem(it.id, 'in_progress', part.id, part.name, ''),
      });
    }
    return out;
  }

  private reasoningDelta(text: string): string {
    const it = this.open;
    if (it?.kind !== 'reasoning' || text === '') return '';
    let out = this.announce(it);
    if (!it.summaryOpen) {
      it.summaryOpen = true;
      out += this.emit('response.reasoning_summary_part.added', { ...this.item(it), summary_index: 0, part: { type: 'summary_text', text: '' } });
    }
    it.text += text;
    return out + this.emit('response.reasoning_summary_text.delta', { ...this.item(it), summary_index: 0, delta: text });
  }

  private announce(it: OpenItem): string {
    if (it.added) return '';
    it.added = true;
    return this.emit('response.output_item.added', { output_index: it.outputIndex, item: reasoningItem(it.id, '', undefined) });
  }

  private partEnd(): string {
    const it = this.open;
    if (!it) return '';
    this.open = undefined;
    if (it.kind === 'reasoning' && it.text === '' && it.encrypted === undefined) return '';
    let out = this.announce(it);
    let item: Record<string, unknown>;
    if (it.kind === 'text') {
      out += this.emit('response.output_text.done', { ...this.item(it), content_index: 0, text: it.text, logprobs: [] });
      out += this.emit('response.content_part.done', { ...this.item(it), content_index: 0, part: outputText(it.text) });
      item = messageItem(it.id, 'completed', [outputText(it.text)]);
    } else if (it.kind === 'reasoning') {
      if (it.summaryOpen) {
        const summary = { ...this.item(it), summary_index: 0 };
        out += this.emit('response.reasoning_summary_text.done', { ...summary, text: it.text });
        out += this.emit('response.reasoning_summary_part.done', { ...summary, part: { type: 'summary_text', text: it.text } });
      }
      item = reasoningItem(it.id, it.text, it.encrypted);
    } else {
      out += this.emit('response.function_call_arguments.done', { ...this.item(it), name: it.name, arguments: it.text });
      item = functionCallItem(it.id, 'completed', it.callId, it.name, it.text);
    }
    this.output.push(item);
    return out + this.emit('response.output_item.done', { output_index: it.outputIndex, item });
  }

  private finish(stop: Parameters<typeof finishOf>[0], usage: Usage): string {
    const out = this.start() + this.partEnd();
    const { status, incomplete_details } = finishOf(stop);
    const response = responseObject(this.ctx, status, this.output, usage, incomplete_details);
    return out + this.emit(status === 'completed' ? 'response.completed' : 'response.incomplete', { response });
  }
}

export function createResponsesStreamEncoder(ctx: EncodeContext): StreamEncoder {
  return new ResponsesStreamEncoder(ctx);
}
