/** Canonical stream events → OpenAI `chat.completion.chunk` SSE (inbound). */
import type { GatewayError, StreamEvent, UpstreamFailure, Usage } from '../../canonical/index.js';
import { unixSeconds } from '../common.js';
import { sseFrame } from '../sse.js';
import type { EncodeContext, StreamEncoder } from '../types.js';
import { encodeChatStreamError } from './errors.js';
import { finishFromStopReason, usageToWire } from './mapping.js';

export class ChatStreamEncoder implements StreamEncoder {
  private id: string;
  private readonly created: number;
  /** Canonical part index → 0-based position among the message's tool calls. */
  private readonly toolIndex = new Map<number, number>();

  constructor(private readonly ctx: EncodeContext) {
    this.id = ctx.responseId;
    this.created = unixSeconds(ctx.createdAt);
  }

  encode(event: StreamEvent): string {
    switch (event.type) {
      case 'message_start':
        if (event.id) this.id = event.id;
        return this.chunk({ role: 'assistant', content: '' });
      case 'part_start': {
        if (event.part.type !== 'tool_call') return '';
        const k = this.toolIndex.size;
        this.toolIndex.set(event.index, k);
        const { id, name } = event.part;
        return this.chunk({ tool_calls: [{ index: k, id, type: 'function', function: { name, arguments: '' } }] });
      }
      case 'text_delta':
        return event.text ? this.chunk({ content: event.text }) : '';
      case 'reasoning_delta':
        return event.text ? this.chunk({ reasoning_content: event.text }) : '';
      case 'tool_arguments_delta': {
        const k = this.toolIndex.get(event.index);
        if (k === undefined || event.json === '') return '';
        return this.chunk({ tool_calls: [{ index: k, function: { arguments: event.json } }] });
      }
      case 'message_end':
        return (
          this.chunk({}, finishFromStopReason(event.stopReason)) +
          (this.ctx.streamUsage ? this.usageChunk(event.usage) : '') +
          'data: [DONE]\n\n'
        );
      case 'error':
        return this.encodeError(event.failure);
      case 'part_end':
      case 'reasoning_signature': // only the issuing protocol can use a signature
      case 'usage': // reported once, final, after message_end's finish chunk
        return '';
    }
  }

  encodeError(failure: UpstreamFailure | GatewayError): string {
    return encodeChatStreamError(failure);
  }

  private base(): Record<string, unknown> {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.ctx.model };
  }

  private chunk(delta: Record<string, unknown>, finishReason: string | null = null): string {
    return sseFrame({ ...this.base(), choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] });
  }

  private usageChunk(usage: Usage): string {
    return sseFrame({ ...this.base(), choices: [], usage: usageToWire(usage) });
  }
}
