/** Canonical stream events → Anthropic Messages SSE (inbound). */
import {
  mergeUsage,
  type GatewayError,
  type PartStart,
  type ReasoningSignature,
  type StreamEvent,
  type UpstreamFailure,
  type Usage,
} from '../../canonical/index.js';
import { sseFrame } from '../sse.js';
import type { EncodeContext, StreamEncoder } from '../types.js';
import { encodeStreamError } from './errors.js';
import { signatureToWire, stopReasonToAnthropic, usageToAnthropic } from './mapping.js';

interface OpenPart {
  part: PartStart;
  /** The Anthropic content-block index, once the block was started. */
  block?: number;
  signature?: ReasoningSignature;
}

function frame(data: { type: string } & Record<string, unknown>): string {
  return sseFrame(data, data.type);
}

/**
 * Emits `message_start` lazily, just before the first content block (or the end), so that input usage an
 * upstream reports at its start (Anthropic, Gemini) reaches the client there; the full usage is always
 * repeated in `message_delta`, where the SDK takes it from. Text and thinking blocks are opened at their
 * first delta, so parts that stay empty produce no empty blocks; a redacted thinking block is sent
 * whole at its end, because Anthropic carries its payload in `content_block_start`.
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  private id: string;
  private model: string;
  private started = false;
  private usage: Usage = { inputTokens: 0, outputTokens: 0 };
  private readonly parts = new Map<number, OpenPart>();
  private nextBlock = 0;

  constructor(ctx: EncodeContext) {
    this.id = ctx.responseId;
    this.model = ctx.model;
  }

  encode(e: StreamEvent): string {
    switch (e.type) {
      case 'message_start':
        if (e.id) this.id = e.id;
        return '';
      case 'usage':
        this.usage = mergeUsage(this.usage, e.usage);
        return '';
      case 'part_start': {
        this.parts.set(e.index, { part: e.part });
        const head = this.start();
        return e.part.type === 'tool_call' ? head + this.openBlock(e.index) : head;
      }
      case 'text_delta':
        return e.text === '' ? '' : this.openBlock(e.index) + this.delta(e.index, { type: 'text_delta', text: e.text });
      case 'reasoning_delta':
        return e.text === '' ? '' : this.openBlock(e.index) + this.delta(e.index, { type: 'thinking_delta', thinking: e.text });
      case 'tool_arguments_delta':
        return e.json === '' ? '' : this.openBlock(e.index) + this.delta(e.index, { type: 'input_json_delta', partial_json: e.json });
      case 'reasoning_signature': {
        const p = this.parts.get(e.index);
        if (!p) return '';
        p.signature = e.signature;
        if (p.part.type === 'reasoning' && p.part.redacted) return '';
        return this.openBlock(e.index) + this.delta(e.index, { type: 'signature_delta', signature: signatureToWire(e.signature) });
      }
      case 'part_end':
        return this.closeBlock(e.index);
      case 'message_end': {
        this.usage = mergeUsage(this.usage, e.usage);
        let out = this.start();
        for (const index of [...this.parts.keys()]) out += this.closeBlock(index);
        const stopSequence = e.stopReason === 'stop_sequence' ? (e.stopSequence ?? null) : null;
        const u = usageToAnthropic(this.usage);
        out += frame({
          type: 'message_delta',
          delta: { stop_reason: stopReasonToAnthropic(e.stopReason), stop_sequence: stopSequence },
          usage: {
            output_tokens: u.output_tokens,
            input_tokens: u.input_tokens,
            cache_read_input_tokens: u.cache_read_input_tokens,
            cache_creation_input_tokens: u.cache_creation_input_tokens,
          },
        });
        return out + frame({ type: 'message_stop' });
      }
      case 'error':
        return this.encodeError(e.failure);
    }
  }

  encodeError(failure: UpstreamFailure | GatewayError): string {
    return encodeStreamError(failure);
  }

  private start(): string {
    if (this.started) return '';
    this.started = true;
    return frame({
      type: 'message_start',
      message: {
        id: this.id,
        type: 'message',
        role: 'assistant',
        model: this.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: usageToAnthropic(this.usage),
      },
    });
  }

  private openBlock(index: number): string {
    const p = this.parts.get(index);
    if (!p || p.block !== undefined) return '';
    if (p.part.type === 'reasoning' && p.part.redacted) return '';
    p.block = this.nextBlock++;
    const content_block =
      p.part.type === 'text'
        ? { type: 'text', text: '' }
        : p.part.type === 'reasoning'
          ? { type: 'thinking', thinking: '', signature: '' }
          : { type: 'tool_use', id: p.part.id, name: p.part.name, input: {} };
    return this.start() + frame({ type: 'content_block_start', index: p.block, content_block });
  }

  private delta(index: number, delta: Record<string, unknown>): string {
    const block = this.parts.get(index)?.block;
    return block === undefined ? '' : frame({ type: 'content_block_delta', index: block, delta });
  }

  private closeBlock(index: number): string {
    const p = this.parts.get(index);
    if (!p) return '';
    this.parts.delete(index);
    if (p.part.type === 'reasoning' && p.part.redacted) {
      if (!p.signature) return '';
      const block = this.nextBlock++;
      const data = signatureToWire(p.signature);
      return (
        this.start() +
        frame({ type: 'content_block_start', index: block, content_block: { type: 'redacted_thinking', data } }) +
        frame({ type: 'content_block_stop', index: block })
      );
    }
    return p.block === undefined ? '' : frame({ type: 'content_block_stop', index: p.block });
  }
}
