/**
 * OpenAI Responses wire format: the `response` object, and the SSE sequence `response.created`,
 * `response.in_progress`, per-item added/delta/done events and `response.completed` (or
 * `response.incomplete`), each with `event:` line and `sequence_number`.
 */
import { chunkText, toolCallId, type ReplyPlan } from '../reply-plan.js';
import { openaiErrorBody } from './openai-chat.js';
import type { WireFormat, WirePayload } from './types.js';

type Obj = Record<string, unknown>;

function usage(plan: ReplyPlan): Obj {
  const u = plan.usage;
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  };
}

function responseObject(plan: ReplyPlan, status: string, output: Obj[], withUsage: boolean): Obj {
  return {
    id: `resp_${plan.seq}`,
    object: 'response',
    created_at: plan.created,
    status,
    error: null,
    incomplete_details: status === 'incomplete' ? { reason: 'max_output_tokens' } : null,
    instructions: null,
    max_output_tokens: null,
    model: plan.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage: withUsage ? usage(plan) : null,
    metadata: {},
  };
}

const textPart = (text: string): Obj => ({ type: 'output_text', text, annotations: [], logprobs: [] });

/** The finished output items, in order: reasoning, message, function calls. */
function outputItems(plan: ReplyPlan): Obj[] {
  const items: Obj[] = [];
  if (plan.reasoning !== undefined) {
    const item: Obj = { id: `rs_${plan.seq}`, type: 'reasoning', summary: [{ type: 'summary_text', text: plan.reasoning }] };
    if (plan.reasoningSignature !== undefined) item.encrypted_content = plan.reasoningSignature;
    items.push(item);
  }
  if (plan.includeText) {
    const status = plan.stopReason === 'length' ? 'incomplete' : 'completed';
    items.push({ id: `msg_${plan.seq}`, type: 'message', status, role: 'assistant', content: [textPart(plan.text)] });
  }
  plan.toolCalls.forEach((c, i) => {
    items.push({
      id: `fc_${plan.seq}_${i}`,
      type: 'function_call',
      status: 'completed',
      call_id: toolCallId(plan, i, 'call_'),
      name: c.name,
      arguments: c.args,
    });
  });
  return items;
}

const finalStatus = (plan: ReplyPlan): string => (plan.stopReason === 'length' ? 'incomplete' : 'completed');

function events(plan: ReplyPlan): WirePayload[] {
  const out: WirePayload[] = [];
  const ev = (type: string, fields: Obj): void => {
    out.push({ event: type, data: JSON.stringify({ type, sequence_number: out.length, ...fields }) });
  };
  ev('response.created', { response: responseObject(plan, 'in_progress', [], false) });
  ev('response.in_progress', { response: responseObject(plan, 'in_progress', [], false) });
  const items = outputItems(plan);
  items.forEach((item, output_index) => {
    const item_id = item.id;
    if (item.type === 'reasoning') {
      const text = plan.reasoning ?? '';
      ev('response.output_item.added', { output_index, item: { ...item, summary: [] } });
      const at = { item_id, output_index, summary_index: 0 };
      ev('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
      for (const delta of chunkText(text, plan.chunkSize)) ev('response.reasoning_summary_text.delta', { ...at, delta });
      ev('response.reasoning_summary_text.done', { ...at, text });
      ev('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text } });
    } else if (item.type === 'message') {
      ev('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', content: [] } });
      const at = { item_id, output_index, content_index: 0 };
      ev('response.content_part.added', { ...at, part: textPart('') });
      for (const delta of chunkText(plan.text, plan.chunkSize)) ev('response.output_text.delta', { ...at, delta, logprobs: [] });
      ev('response.output_text.done', { ...at, text: plan.text, logprobs: [] });
      ev('response.content_part.done', { ...at, part: textPart(plan.text) });
    } else {
      const args = typeof item.arguments === 'string' ? item.arguments : '';
      ev('response.output_item.added', { output_index, item: { ...item, status: 'in_progress', arguments: '' } });
      for (const delta of chunkText(args, plan.argsChunkSize)) {
        ev('response.function_call_arguments.delta', { item_id, output_index, delta });
      }
      ev('response.function_call_arguments.done', { item_id, output_index, name: item.name, arguments: args });
    }
    ev('response.output_item.done', { output_index, item });
  });
  const status = finalStatus(plan);
  ev(status === 'incomplete' ? 'response.incomplete' : 'response.completed', {
    response: responseObject(plan, status, items, true),
  });
  return out;
}

function errorCode(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_prompt';
}

export const responsesWire: WireFormat = {
  lineEnd: '\n',
  json: (plan) => responseObject(plan, finalStatus(plan), outputItems(plan), true),
  events,
  errorBody: openaiErrorBody,
  inBandError: (plan, status, message, sequence) => {
    const response = { ...responseObject(plan, 'failed', [], false), error: { code: errorCode(status), message } };
    return {
      event: 'response.failed',
      data: JSON.stringify({ type: 'response.failed', sequence_number: sequence, response }),
    };
  },
};
