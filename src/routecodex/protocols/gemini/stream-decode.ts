/**
 * Gemini `streamGenerateContent?alt=sse` → canonical stream events. Every SSE `data:` is a whole
 * GenerateContentResponse chunk; there is no [DONE]. Text arrives in pieces (pieces of the same kind
 * continue one canonical part), function calls arrive whole, finishReason comes on the last chunk(s),
 * and the stream is complete when it ends after a finishReason (or a prompt block).
 */
import { UpstreamFailure, type StreamEvent } from '../../canonical/index.js';
import { isRecord, newToolCallId } from '../common.js';
import { parseSseJson, type SseEvent } from '../sse.js';
import type { StreamDecoder } from '../types.js';
import { failureFromErrorObject } from './errors.js';
import { finishOutcome, newResponseId, usageOf } from './mapping.js';
import { GeminiErrorSchema, GeminiResponseSchema, type GeminiPart, type GeminiResponse, type GeminiUsage } from './schema.js';

interface OpenPart {
  index: number;
  kind: 'text' | 'reasoning';
  signed: boolean;
}

export class GeminiStreamDecoder implements StreamDecoder {
  private started = false;
  private finished = false; // an error was emitted: nothing more comes out
  private nextIndex = 0;
  private open: OpenPart | undefined;
  private finishReason: string | undefined;
  private finishMessage: string | undefined;
  private blocked = false;
  private sawToolCall = false;
  private usage: GeminiUsage = {};

  push(event: SseEvent): StreamEvent[] {
    if (this.finished) return [];
    const data = event.data.trim();
    if (data === '' || data === '[DONE]') return [];
    const json = parseSseJson(data);
    if (json === undefined) return this.fail(new UpstreamFailure({ class: 'malformed', message: `unparseable Gemini stream data: ${data.slice(0, 200)}` }));
    if (isRecord(json) && 'error' in json) {
      const err = GeminiErrorSchema.safeParse(json.error);
      return this.fail(failureFromErrorObject(err.success ? err.data : undefined, undefined, {}, JSON.stringify(json.error)));
    }
    const parsed = GeminiResponseSchema.safeParse(json);
    if (!parsed.success) return this.fail(new UpstreamFailure({ class: 'malformed', message: `Gemini stream chunk is not a GenerateContentResponse: ${data.slice(0, 200)}` }));
    return this.chunk(parsed.data);
  }

  end(): StreamEvent[] {
    if (this.finished) return [];
    if (this.finishReason === undefined && !this.blocked) {
      return this.fail(new UpstreamFailure({ class: 'stream_broken', message: 'Gemini stream ended without a finishReason' }));
    }
    const out: StreamEvent[] = [];
    this.closeOpen(out);
    const usage = usageOf(this.usage);
    if (this.blocked && this.finishReason === undefined) {
      out.push({ type: 'message_end', stopReason: 'content_filter', usage });
    } else {
      const outcome = finishOutcome(this.finishReason, this.finishMessage, this.sawToolCall);
      if ('failure' in outcome) return [...out, ...this.fail(outcome.failure)];
      out.push({ type: 'message_end', stopReason: outcome.stopReason, usage });
    }
    this.finished = true;
    return out;
  }

  private fail(failure: UpstreamFailure): StreamEvent[] {
    this.finished = true;
    return [{ type: 'error', failure }];
  }

  private chunk(r: GeminiResponse): StreamEvent[] {
    const out: StreamEvent[] = [];
    if (!this.started) {
      this.started = true;
      out.push({ type: 'message_start', id: r.responseId ?? newResponseId(), model: r.modelVersion ?? '' });
    }
    const candidate = r.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) this.part(part, out);
    if (candidate?.finishReason !== undefined) {
      this.finishReason = candidate.finishReason;
      if (candidate.finishMessage !== undefined) this.finishMessage = candidate.finishMessage;
    }
    if (candidate === undefined && r.promptFeedback?.blockReason !== undefined) this.blocked = true;
    // Every chunk reports the running totals: the latest value of each count wins.
    if (r.usageMetadata !== undefined) this.usage = { ...this.usage, ...r.usageMetadata };
    return out;
  }

  private part(p: GeminiPart, out: StreamEvent[]): void {
    if (p.functionCall !== undefined) {
      this.closeOpen(out);
      if (p.thoughtSignature !== undefined) this.signatureCarrier(p.thoughtSignature, out);
      const index = this.nextIndex++;
      out.push({ type: 'part_start', index, part: { type: 'tool_call', id: p.functionCall.id ?? newToolCallId(), name: p.functionCall.name } });
      out.push({ type: 'tool_arguments_delta', index, json: JSON.stringify(p.functionCall.args ?? {}) });
      out.push({ type: 'part_end', index });
      this.sawToolCall = true;
      return;
    }
    const text = p.text ?? '';
    const sig = p.thoughtSignature;
    if (p.thought === true) {
      if (text === '' && sig === undefined) return;
      if (this.open?.kind !== 'reasoning' || (sig !== undefined && this.open.signed)) this.openPart('reasoning', out);
      const open = this.open!;
      if (text !== '') out.push({ type: 'reasoning_delta', index: open.index, text });
      if (sig !== undefined) {
        out.push({ type: 'reasoning_signature', index: open.index, signature: { protocol: 'gemini', value: sig } });
        open.signed = true;
      }
      return;
    }
    if (sig !== undefined) {
      // A signature on a non-thought part: an empty signed reasoning part goes just before its text.
      this.closeOpen(out);
      this.signatureCarrier(sig, out);
    }
    if (text === '') return;
    if (this.open?.kind !== 'text') this.openPart('text', out);
    out.push({ type: 'text_delta', index: this.open!.index, text });
  }

  private signatureCarrier(value: string, out: StreamEvent[]): void {
    const index = this.nextIndex++;
    out.push({ type: 'part_start', index, part: { type: 'reasoning' } });
    out.push({ type: 'reasoning_signature', index, signature: { protocol: 'gemini', value } });
    out.push({ type: 'part_end', index });
  }

  private openPart(kind: OpenPart['kind'], out: StreamEvent[]): void {
    this.closeOpen(out);
    const index = this.nextIndex++;
    out.push({ type: 'part_start', index, part: { type: kind } });
    this.open = { index, kind, signed: false };
  }

  private closeOpen(out: StreamEvent[]): void {
    if (this.open === undefined) return;
    out.push({ type: 'part_end', index: this.open.index });
    this.open = undefined;
  }
}
