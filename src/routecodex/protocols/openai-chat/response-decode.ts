/** OpenAI `chat.completion` body → canonical response (upstream). */
import { EMPTY_USAGE, mergeUsage, type AssistantContentPart, type CanonicalResponse } from '../../canonical/index.js';
import { hasErrorField, newToolCallId } from '../common.js';
import { decodeInBandError } from './errors.js';
import { stopReasonFromFinish, usageFromWire } from './mapping.js';
import { WireCompletion, malformed, reasoningText } from './wire-schema.js';

export function decodeChatResponse(body: unknown): CanonicalResponse {
  // Some upstreams answer 200 with an error body: that is a failure of its own class, not malformed data.
  if (hasErrorField(body)) throw decodeInBandError(body);
  const parsed = WireCompletion.safeParse(body);
  if (!parsed.success) throw malformed('upstream chat completion is malformed', parsed.error.issues);
  const wire = parsed.data;
  const choice = wire.choices[0]!;
  const m = choice.message;
  const content: AssistantContentPart[] = [];
  const reasoning = reasoningText(m);
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  if (typeof m.content === 'string') {
    if (m.content !== '') content.push({ type: 'text', text: m.content });
  } else if (m.content) {
    for (const p of m.content) if (p.type === 'text' && p.text) content.push({ type: 'text', text: p.text });
  }
  if (m.refusal) content.push({ type: 'text', text: m.refusal });
  for (const c of m.tool_calls ?? []) {
    content.push({
      type: 'tool_call',
      id: c.id || newToolCallId(),
      name: c.function?.name ?? '',
      arguments: c.function?.arguments ?? '',
    });
  }
  if (m.function_call?.name) {
    content.push({ type: 'tool_call', id: newToolCallId(), name: m.function_call.name, arguments: m.function_call.arguments ?? '' });
  }
  const hasToolCalls = content.some((p) => p.type === 'tool_call');
  return {
    id: wire.id ?? '',
    model: wire.model ?? '',
    content,
    stopReason: m.refusal ? 'refusal' : stopReasonFromFinish(choice.finish_reason, hasToolCalls),
    usage: wire.usage ? mergeUsage(EMPTY_USAGE, usageFromWire(wire.usage)) : { ...EMPTY_USAGE },
  };
}
