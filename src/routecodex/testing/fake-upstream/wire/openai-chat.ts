/** OpenAI Chat Completions wire format: `chat.completion` and `chat.completion.chunk` SSE ending in `[DONE]`. */
import { chunkText, toolCallId, type ReplyPlan } from '../reply-plan.js';
import { payload, type WireFormat, type WirePayload } from './types.js';

/** OpenAI error `type` and `code` for an HTTP status. */
export function openaiErrorKind(status: number): { type: string; code: string | null } {
  if (status === 401) return { type: 'invalid_request_error', code: 'invalid_api_key' };
  if (status === 403) return { type: 'invalid_request_error', code: 'unsupported_country_region_territory' };
  if (status === 404) return { type: 'invalid_request_error', code: 'model_not_found' };
  if (status === 429) return { type: 'requests', code: 'rate_limit_exceeded' };
  if (status >= 500) return { type: 'server_error', code: null };
  return { type: 'invalid_request_error', code: null };
}

export function openaiErrorBody(status: number, message: string): { error: Record<string, unknown> } {
  const { type, code } = openaiErrorKind(status);
  return { error: { message, type, param: null, code } };
}

function chatUsage(plan: ReplyPlan): Record<string, unknown> {
  const u = plan.usage;
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached },
    completion_tokens_details: { reasoning_tokens: u.reasoning },
  };
}

function json(plan: ReplyPlan): unknown {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: plan.includeText ? plan.text : null,
    refusal: null,
  };
  if (plan.reasoning !== undefined) message.reasoning_content = plan.reasoning;
  if (plan.toolCalls.length > 0) {
    message.tool_calls = plan.toolCalls.map((c, i) => ({
      id: toolCallId(plan, i, 'call_'),
      type: 'function',
      function: { name: c.name, arguments: c.args },
    }));
  }
  return {
    id: `chatcmpl-${plan.seq}`,
    object: 'chat.completion',
    created: plan.created,
    model: plan.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.stopReason }],
    usage: chatUsage(plan),
    system_fingerprint: 'fp_fake',
  };
}

function events(plan: ReplyPlan): WirePayload[] {
  const out: WirePayload[] = [];
  const chunk = (delta: Record<string, unknown>, finish: string | null): void => {
    const c: Record<string, unknown> = {
      id: `chatcmpl-${plan.seq}`,
      object: 'chat.completion.chunk',
      created: plan.created,
      model: plan.model,
      system_fingerprint: 'fp_fake',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    };
    if (plan.includeUsage) c.usage = null;
    out.push(payload(c));
  };
  chunk({ role: 'assistant', content: '', refusal: null }, null);
  if (plan.reasoning !== undefined) {
    for (const piece of chunkText(plan.reasoning, plan.chunkSize)) chunk({ reasoning_content: piece }, null);
  }
  if (plan.includeText) for (const piece of chunkText(plan.text, plan.chunkSize)) chunk({ content: piece }, null);
  plan.toolCalls.forEach((c, index) => {
    const head = { index, id: toolCallId(plan, index, 'call_'), type: 'function', function: { name: c.name, arguments: '' } };
    chunk({ tool_calls: [head] }, null);
    for (const piece of chunkText(c.args, plan.argsChunkSize)) {
      chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, null);
    }
  });
  chunk({}, plan.stopReason);
  if (plan.includeUsage) {
    out.push(
      payload({
        id: `chatcmpl-${plan.seq}`,
        object: 'chat.completion.chunk',
        created: plan.created,
        model: plan.model,
        system_fingerprint: 'fp_fake',
        choices: [],
        usage: chatUsage(plan),
      }),
    );
  }
  out.push({ data: '[DONE]' });
  return out;
}

export const openaiChatWire: WireFormat = {
  lineEnd: '\n',
  json,
  events,
  errorBody: openaiErrorBody,
  inBandError: (_plan, status, message) => {
    const { type, code } = openaiErrorKind(status);
    return payload({ error: { message, type, code } });
  },
};
