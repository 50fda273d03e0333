/**
 * OpenAI-shaped errors (`{error:{message,type,param,code}}`), shared by the Chat Completions and
 * Responses codecs: reading an upstream error body, classifying it, and the body clients expect.
 */
import { GatewayError, UpstreamFailure, classOfStatus, type FailureClass } from '../canonical/index.js';
import { clientFailureMessage, clientFailureStatus, isRecord, openAiErrorCode, parseRetryAfterMs, quotaResetDelayFromText } from './common.js';
import type { ErrorReply } from './types.js';

type Headers = Record<string, string | string[] | undefined>;

export interface OpenAiErrorInfo {
  message?: string;
  type?: string;
  code?: string;
  /** A numeric status some servers put in the body (`error.code: 502`, `error.status`). */
  status?: number;
  /** Absolute reset (unix seconds) or delay (seconds) of a usage limit (ChatGPT-backed Responses). */
  resetsAt?: number;
  resetsInSeconds?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Reads `{error:{…}}`, `{error:"…"}`, vLLM's `{object:"error",message,type,code}`, `[{error}]` and raw text. */
export function openAiErrorInfo(body: unknown): OpenAiErrorInfo {
  if (Array.isArray(body)) return openAiErrorInfo(body[0]);
  if (!isRecord(body)) return typeof body === 'string' && body.trim() !== '' ? { message: body.trim().slice(0, 2000) } : {};
  if (typeof body.error === 'string') return { message: body.error };
  const e = isRecord(body.error) ? body.error : body;
  const info: OpenAiErrorInfo = {};
  const message = str(e.message) ?? str(e.detail);
  if (message !== undefined) info.message = message;
  const type = str(e.type);
  if (type !== undefined) info.type = type;
  const code = str(e.code);
  if (code !== undefined) info.code = code;
  const status = num(e.code) ?? num(e.status);
  if (status !== undefined && status >= 400 && status < 600) info.status = status;
  const resetsAt = num(e.resets_at);
  if (resetsAt !== undefined) info.resetsAt = resetsAt;
  const resetsIn = num(e.resets_in_seconds);
  if (resetsIn !== undefined) info.resetsInSeconds = resetsIn;
  return info;
}

/** The class an OpenAI error code or type names, when it names one. */
export function classOfOpenAiCode(v: string | undefined): FailureClass | undefined {
  switch (v) {
    case 'rate_limit_exceeded':
    case 'rate_limit_error':
      return 'rate_limit';
    case 'insufficient_quota':
    case 'usage_limit_reached':
      return 'quota';
    case 'context_length_exceeded':
      return 'context_length';
    case 'server_error':
    case 'server_is_overloaded':
    case 'api_error':
      return 'server';
    case 'vector_store_timeout':
      return 'timeout';
    case 'invalid_api_key':
      return 'auth';
    default:
      return undefined;
  }
}

function namedClass(info: OpenAiErrorInfo): FailureClass | undefined {
  return classOfOpenAiCode(info.code) ?? classOfOpenAiCode(info.type);
}

/** Structured fields override the status class only for the classes they alone can tell. */
function refine(base: FailureClass, info: OpenAiErrorInfo): FailureClass {
  const named = namedClass(info);
  return named === 'context_length' || named === 'quota' ? named : base;
}

function failureOf(cls: FailureClass, info: OpenAiErrorInfo, fallback: string, status: number | undefined, headers: Headers, now: number): UpstreamFailure {
  const message = info.message ?? fallback;
  let quotaResetAt: number | undefined;
  if (info.resetsAt !== undefined) quotaResetAt = info.resetsAt * 1000;
  else if (info.resetsInSeconds !== undefined) quotaResetAt = now + info.resetsInSeconds * 1000;
  else {
    const delay = quotaResetDelayFromText(message);
    if (delay !== undefined) quotaResetAt = now + delay;
  }
  if (quotaResetAt !== undefined && (cls === 'rate_limit' || cls === 'quota')) cls = 'quota';
  else quotaResetAt = undefined;
  const retryAfterMs = parseRetryAfterMs(headers, now);
  const upstreamCode = info.code ?? info.type;
  return new UpstreamFailure({
    class: cls,
    message,
    ...(status !== undefined ? { status } : {}),
    ...(upstreamCode !== undefined ? { upstreamCode } : {}),
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    ...(quotaResetAt !== undefined ? { quotaResetAt } : {}),
  });
}

/** A non-2xx upstream answer. */
export function decodeOpenAiError(status: number, body: unknown, headers: Headers, now = Date.now()): UpstreamFailure {
  const info = openAiErrorInfo(body);
  return failureOf(refine(classOfStatus(status), info), info, `HTTP ${status}`, status, headers, now);
}

/**
 * An error reported inside a 200 answer (a stream event, or an error body): classified by its status
 * field when it has one, else by its code; unknown codes are server errors (`invalid_*` client errors).
 */
export function decodeOpenAiInBandError(payload: unknown, now = Date.now()): UpstreamFailure {
  const info = openAiErrorInfo(isRecord(payload) && !('error' in payload) && ('code' in payload || 'message' in payload) ? { error: payload } : payload);
  const fallbackClass: FailureClass = info.code?.startsWith('invalid_') || info.code?.startsWith('image_') ? 'client_error' : 'server';
  const cls = info.status !== undefined ? refine(classOfStatus(info.status), info) : (namedClass(info) ?? fallbackClass);
  return failureOf(cls, info, 'upstream reported an error', info.status, {}, now);
}

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
}

/** The `{error:{message,type,param,code}}` body a client gets. */
export function openAiErrorBody(error: UpstreamFailure | GatewayError, status: number): { error: { message: string; type: string; param: string | null; code: string } } {
  const gateway = error instanceof GatewayError;
  return {
    error: {
      message: clientFailureMessage(error),
      type: errorType(status),
      param: gateway ? (error.param ?? null) : null,
      code: gateway ? error.code : openAiErrorCode(error),
    },
  };
}

export function encodeOpenAiError(error: UpstreamFailure | GatewayError): ErrorReply {
  const { status, headers } = clientFailureStatus(error);
  return { status, body: openAiErrorBody(error, status), ...(headers ? { headers } : {}) };
}
