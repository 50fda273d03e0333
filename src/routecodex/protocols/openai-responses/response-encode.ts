/**
 * Canonical response → Responses JSON body (inbound), and the item/response builders the stream
 * encoder shares. Each canonical part becomes one output item. The response id is `ctx.responseId`
 * (the id the server stores a conversation under); item ids derive from it: `msg_…`, `fc_…`, `rs_…`.
 * `output_text` is not emitted: it is an SDK convenience, not part of the wire format.
 */
import type { AssistantContentPart, CanonicalResponse, StopReason, Usage } from '../../canonical/index.js';
import { unixSeconds } from '../common.js';
import type { EncodeContext } from '../types.js';
import { encodeUsage } from './output-items.js';

export type ItemStatus = 'in_progress' | 'completed' | 'incomplete';

export function itemId(prefix: 'msg' | 'fc' | 'rs', responseId: string, index: number): string {
  return `${prefix}_${responseId.replace(/^resp_/, '')}_${index}`;
}

export function outputText(text: string): Record<string, unknown> {
  return { type: 'output_text', annotations: [], logprobs: [], text };
}

export function messageItem(id: string, status: ItemStatus, content: Array<Record<string, unknown>>): Record<string, unknown> {
  return { id, type: 'message', status, content, role: 'assistant' };
}

export function functionCallItem(id: string, status: ItemStatus, callId: string, name: string, args: string): Record<string, unknown> {
  return { id, type: 'function_call', status, arguments: args, call_id: callId, name };
}

/** A reasoning item; `encrypted_content` only for a signature Responses issued. */
export function reasoningItem(id: string, text: string, encrypted: string | undefined): Record<string, unknown> {
  return {
    id,
    type: 'reasoning',
    summary: text === '' ? [] : [{ type: 'summary_text', text }],
    ...(encrypted !== undefined ? { encrypted_content: encrypted } : {}),
  };
}

/** Status and incomplete_details of a finished response. */
export function finishOf(stop: StopReason): { status: 'completed' | 'incomplete'; incomplete_details: { reason: string } | null } {
  if (stop === 'max_tokens') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (stop === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

/**
 * The response object. Request echo fields (tools, temperature…) are not known to the encoder and
 * are reported with their neutral values.
 */
export function responseObject(
  ctx: EncodeContext,
  status: 'in_progress' | 'completed' | 'incomplete',
  output: Array<Record<string, unknown>>,
  usage: Usage | null,
  incompleteDetails: { reason: string } | null = null,
): Record<string, unknown> {
  return {
    id: ctx.responseId,
    object: 'response',
    created_at: unixSeconds(ctx.createdAt),
    status,
    error: null,
    incomplete_details: incompleteDetails,
    instructions: null,
    max_output_tokens: null,
    model: ctx.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    temperature: null,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: null,
    truncation: 'disabled',
    usage: usage ? encodeUsage(usage) : null,
    user: null,
    metadata: {},
  };
}

function partToItem(part: AssistantContentPart, ctx: EncodeContext, index: number, itemStatus: ItemStatus): Record<string, unknown> | undefined {
  switch (part.type) {
    case 'text':
      return messageItem(itemId('msg', ctx.responseId, index), itemStatus, [outputText(part.text)]);
    case 'tool_call':
      return functionCallItem(itemId('fc', ctx.responseId, index), itemStatus, part.id, part.name, part.arguments);
    case 'reasoning': {
      const ours = part.signature?.protocol === 'openai-responses' ? part.signature.value : undefined;
      // Reasoning with neither readable text nor a token Responses can use carries nothing for this client.
      if (part.text === '' && ours === undefined) return undefined;
      return reasoningItem(itemId('rs', ctx.responseId, index), part.text, ours);
    }
  }
}

export function encodeResponsesResponse(response: CanonicalResponse, ctx: EncodeContext): Record<string, unknown> {
  const { status, incomplete_details } = finishOf(response.stopReason);
  const itemStatus: ItemStatus = status === 'incomplete' ? 'incomplete' : 'completed';
  const output: Array<Record<string, unknown>> = [];
  for (const part of response.content) {
    const item = partToItem(part, ctx, output.length, itemStatus);
    if (item) output.push(item);
  }
  return responseObject(ctx, status, output, response.usage, incomplete_details);
}
