/**
 * Anthropic Messages wire format: the `message` object, and the SSE sequence `message_start`, `ping`,
 * `content_block_start/delta/stop` per block (thinking, text, tool_use), `message_delta`, `message_stop`.
 */
import { chunkText, toolCallId, type ReplyPlan } from '../reply-plan.js';
import type { WireFormat, WirePayload } from './types.js';

type Obj = Record<string, unknown>;

/** Anthropic always signs thinking blocks; this stands in when the script gives no signature. */
export const DEFAULT_THINKING_SIGNATURE = 'ZmFrZS10aGlua2luZy1zaWduYXR1cmU=';

export function anthropicErrorType(status: number): string {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

const STOP: Record<ReplyPlan['stopReason'], string> = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' };

function usage(plan: ReplyPlan, outputTokens: number): Obj {
  const u = plan.usage;
  return {
    input_tokens: Math.max(0, u.input - u.cached),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: u.cached,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

function signature(plan: ReplyPlan): string {
  return plan.reasoningSignature ?? DEFAULT_THINKING_SIGNATURE;
}

function content(plan: ReplyPlan): Obj[] {
  const blocks: Obj[] = [];
  if (plan.reasoning !== undefined) blocks.push({ type: 'thinking', thinking: plan.reasoning, signature: signature(plan) });
  if (plan.includeText) blocks.push({ type: 'text', text: plan.text });
  plan.toolCalls.forEach((c, i) => {
    blocks.push({ type: 'tool_use', id: toolCallId(plan, i, 'toolu_'), name: c.name, input: c.argsObject });
  });
  return blocks;
}

function message(plan: ReplyPlan, blocks: Obj[], stopReason: string | null, outputTokens: number): Obj {
  return {
    id: `msg_${plan.seq}`,
    type: 'message',
    role: 'assistant',
    model: plan.model,
    content: blocks,
    stop_reason: stopReason,
    stop_sequence: null,
    usage: usage(plan, outputTokens),
  };
}

function events(plan: ReplyPlan): WirePayload[] {
  const out: WirePayload[] = [];
  const ev = (type: string, fields: Obj): void => {
    out.push({ event: type, data: JSON.stringify({ type, ...fields }) });
  };
  ev('message_start', { message: message(plan, [], null, Math.min(1, plan.usage.output)) });
  ev('ping', {});
  let index = 0;
  const delta = (d: Obj): void => ev('content_block_delta', { index, delta: d });
  if (plan.reasoning !== undefined) {
    ev('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    for (const thinking of chunkText(plan.reasoning, plan.chunkSize)) delta({ type: 'thinking_delta', thinking });
    delta({ type: 'signature_delta', signature: signature(plan) });
    ev('content_block_stop', { index: index++ });
  }
  if (plan.includeText) {
    ev('content_block_start', { index, content_block: { type: 'text', text: '' } });
    for (const text of chunkText(plan.text, plan.chunkSize)) delta({ type: 'text_delta', text });
    ev('content_block_stop', { index: index++ });
  }
  plan.toolCalls.forEach((c, i) => {
    const block = { type: 'tool_use', id: toolCallId(plan, i, 'toolu_'), name: c.name, input: {} };
    ev('content_block_start', { index, content_block: block });
    for (const partial_json of chunkText(c.args, plan.argsChunkSize)) delta({ type: 'input_json_delta', partial_json });
    ev('content_block_stop', { index: index++ });
  });
  ev('message_delta', { delta: { stop_reason: STOP[plan.stopReason], stop_sequence: null }, usage: { output_tokens: plan.usage.output } });
  ev('message_stop', {});
  return out;
}

export function anthropicErrorBody(status: number, message: string): Obj {
  return { type: 'error', error: { type: anthropicErrorType(status), message } };
}

export const anthropicWire: WireFormat = {
  lineEnd: '\n',
  json: (plan) => message(plan, content(plan), STOP[plan.stopReason], plan.usage.output),
  events,
  errorBody: anthropicErrorBody,
  inBandError: (_plan, status, msg) => ({ event: 'error', data: JSON.stringify(anthropicErrorBody(status, msg)) }),
};
