/**
 * Google Gemini wire format: a GenerateContentResponse (candidates[].content.parts, finishReason,
 * usageMetadata), and a stream of GenerateContentResponse chunks, the last one carrying finishReason and
 * usageMetadata. SSE lines end in CRLF as on the real wire.
 */
import { chunkText, type ReplyPlan } from '../reply-plan.js';
import { payload, type WireFormat, type WirePayload } from './types.js';

type Obj = Record<string, unknown>;

export function geminiStatus(status: number): string {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ABORTED';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 499:
      return 'CANCELLED';
    case 501:
      return 'NOT_IMPLEMENTED';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION';
  }
}

const FINISH: Record<ReplyPlan['stopReason'], string> = { stop: 'STOP', length: 'MAX_TOKENS', tool_calls: 'STOP' };

/** Zero counts are omitted, as the real API does. */
function usageMetadata(plan: ReplyPlan): Obj {
  const u = plan.usage;
  const meta: Obj = {
    promptTokenCount: u.input,
    candidatesTokenCount: Math.max(0, u.output - u.reasoning),
    totalTokenCount: u.input + u.output,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.input }],
  };
  if (u.cached > 0) meta.cachedContentTokenCount = u.cached;
  if (u.reasoning > 0) meta.thoughtsTokenCount = u.reasoning;
  return meta;
}

function thoughtPart(plan: ReplyPlan, text: string, last: boolean): Obj {
  const part: Obj = { text, thought: true };
  if (last && plan.reasoningSignature !== undefined) part.thoughtSignature = plan.reasoningSignature;
  return part;
}

function callParts(plan: ReplyPlan): Obj[] {
  return plan.toolCalls.map((c) => ({
    functionCall: c.id === undefined ? { name: c.name, args: c.argsObject } : { id: c.id, name: c.name, args: c.argsObject },
  }));
}

function response(plan: ReplyPlan, parts: Obj[], final: boolean): Obj {
  const candidate: Obj = { content: { role: 'model', parts }, index: 0 };
  if (final) candidate.finishReason = FINISH[plan.stopReason];
  const out: Obj = { candidates: [candidate] };
  if (final) out.usageMetadata = usageMetadata(plan);
  out.modelVersion = plan.model;
  out.responseId = plan.seq;
  return out;
}

function json(plan: ReplyPlan): Obj {
  const parts: Obj[] = [];
  if (plan.reasoning !== undefined) parts.push(thoughtPart(plan, plan.reasoning, true));
  if (plan.includeText) parts.push({ text: plan.text });
  parts.push(...callParts(plan));
  return response(plan, parts, true);
}

function events(plan: ReplyPlan): WirePayload[] {
  const chunks: Obj[][] = [];
  if (plan.reasoning !== undefined) {
    const pieces = chunkText(plan.reasoning, plan.chunkSize);
    if (pieces.length === 0) pieces.push('');
    pieces.forEach((p, i) => chunks.push([thoughtPart(plan, p, i === pieces.length - 1)]));
  }
  if (plan.includeText) for (const p of chunkText(plan.text, plan.chunkSize)) chunks.push([{ text: p }]);
  if (plan.toolCalls.length > 0) chunks.push(callParts(plan));
  if (chunks.length === 0) chunks.push([{ text: '' }]);
  return chunks.map((parts, i) => payload(response(plan, parts, i === chunks.length - 1)));
}

/** With a numeric Retry-After on a 429, `details` carries a google.rpc.RetryInfo as the real API does. */
export function geminiErrorBody(status: number, message: string, retryAfter?: string): Obj {
  const error: Obj = { code: status, message, status: geminiStatus(status) };
  if (status === 429 && retryAfter !== undefined && /^\d+$/.test(retryAfter)) {
    error.details = [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfter}s` }];
  }
  return { error };
}

export const geminiWire: WireFormat = {
  lineEnd: '\r\n',
  json,
  events,
  errorBody: geminiErrorBody,
  inBandError: (_plan, status, message) => payload(geminiErrorBody(status, message)),
};
