/** Canonical response → Anthropic Messages response body (inbound). */
import type { AssistantContentPart, CanonicalResponse } from '../../canonical/index.js';
import { toolArgumentsToObject } from '../common.js';
import type { EncodeContext } from '../types.js';
import { signatureToWire, stopReasonToAnthropic, usageToAnthropic } from './mapping.js';

export function encodeResponse(res: CanonicalResponse, ctx: EncodeContext): Record<string, unknown> {
  return {
    id: res.id || ctx.responseId,
    type: 'message',
    role: 'assistant',
    model: ctx.model,
    content: res.content.map(encodeContentBlock).filter((b) => b !== undefined),
    stop_reason: stopReasonToAnthropic(res.stopReason),
    stop_sequence: res.stopReason === 'stop_sequence' ? (res.stopSequence ?? null) : null,
    usage: usageToAnthropic(res.usage),
  };
}

/**
 * One content block. Reasoning with no signature is sent with an empty one (the SDK types require the
 * field); a redacted reasoning part without its encrypted payload has nothing to send and is left out.
 */
export function encodeContentBlock(p: AssistantContentPart): Record<string, unknown> | undefined {
  switch (p.type) {
    case 'text':
      return { type: 'text', text: p.text };
    case 'tool_call':
      return { type: 'tool_use', id: p.id, name: p.name, input: toolArgumentsToObject(p.arguments) };
    case 'reasoning':
      if (p.redacted) return p.signature ? { type: 'redacted_thinking', data: signatureToWire(p.signature) } : undefined;
      if (p.text === '' && !p.signature) return undefined;
      return { type: 'thinking', thinking: p.text, signature: signatureToWire(p.signature) };
  }
}
