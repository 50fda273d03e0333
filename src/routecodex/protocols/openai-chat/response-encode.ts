/** Canonical response → OpenAI `chat.completion` body (inbound). */
import type { CanonicalResponse } from '../../canonical/index.js';
import { unixSeconds } from '../common.js';
import type { EncodeContext } from '../types.js';
import { finishFromStopReason, usageToWire } from './mapping.js';

export function encodeChatResponse(response: CanonicalResponse, ctx: EncodeContext): Record<string, unknown> {
  let text = '';
  let hasText = false;
  let reasoning = '';
  const toolCalls: Array<Record<string, unknown>> = [];
  for (const p of response.content) {
    if (p.type === 'text') {
      text += p.text;
      hasText = true;
    } else if (p.type === 'reasoning') {
      reasoning += p.text; // redacted reasoning has no text: nothing to show a chat client
    } else {
      toolCalls.push({ id: p.id, type: 'function', function: { name: p.name, arguments: p.arguments } });
    }
  }
  const message: Record<string, unknown> = { role: 'assistant', content: hasText ? text : null, refusal: null };
  if (reasoning !== '') message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return {
    id: response.id || ctx.responseId,
    object: 'chat.completion',
    created: unixSeconds(ctx.createdAt),
    model: ctx.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishFromStopReason(response.stopReason) }],
    usage: usageToWire(response.usage),
  };
}
