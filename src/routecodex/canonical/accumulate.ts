/** Folds canonical stream events into the response they describe. */
import type { AssistantContentPart } from './content.js';
import type { CanonicalResponse, StopReason } from './response.js';
import type { StreamEvent } from './stream.js';
import { mergeUsage, type Usage } from './usage.js';

export class StreamAccumulator {
  id = '';
  model = '';
  readonly content: AssistantContentPart[] = [];
  usage: Usage = { inputTokens: 0, outputTokens: 0 };
  stopReason: StopReason | undefined;
  stopSequence: string | undefined;
  /** True once message_end was seen. */
  finished = false;
  private readonly byIndex = new Map<number, AssistantContentPart>();

  push(e: StreamEvent): void {
    switch (e.type) {
      case 'message_start':
        this.id = e.id;
        this.model = e.model;
        break;
      case 'part_start': {
        const part: AssistantContentPart =
          e.part.type === 'text'
            ? { type: 'text', text: '' }
            : e.part.type === 'reasoning'
              ? { type: 'reasoning', text: '', ...(e.part.redacted ? { redacted: true } : {}) }
              : { type: 'tool_call', id: e.part.id, name: e.part.name, arguments: '' };
        this.byIndex.set(e.index, part);
        this.content.push(part);
        break;
      }
      case 'text_delta':
      case 'reasoning_delta': {
        const part = this.byIndex.get(e.index);
        if (part && (part.type === 'text' || part.type === 'reasoning')) part.text += e.text;
        break;
      }
      case 'reasoning_signature': {
        const part = this.byIndex.get(e.index);
        if (part?.type === 'reasoning') part.signature = e.signature;
        break;
      }
      case 'tool_arguments_delta': {
        const part = this.byIndex.get(e.index);
        if (part?.type === 'tool_call') part.arguments += e.json;
        break;
      }
      case 'usage':
        this.usage = mergeUsage(this.usage, e.usage);
        break;
      case 'message_end':
        this.usage = mergeUsage(this.usage, e.usage);
        this.stopReason = e.stopReason;
        this.stopSequence = e.stopSequence;
        this.finished = true;
        break;
      default:
        break;
    }
  }

  hasToolCalls(): boolean {
    return this.content.some((p) => p.type === 'tool_call');
  }

  toResponse(): CanonicalResponse {
    const out: CanonicalResponse = {
      id: this.id,
      model: this.model,
      content: this.content,
      stopReason: this.stopReason ?? 'end_turn',
      usage: this.usage,
    };
    if (this.stopSequence !== undefined) out.stopSequence = this.stopSequence;
    return out;
  }
}
