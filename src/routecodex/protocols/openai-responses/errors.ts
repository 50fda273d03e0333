/**
 * Responses errors: classifying upstream HTTP errors and in-band stream failures, and the error
 * bodies / stream events Responses clients expect. The JSON error shape is OpenAI's
 * `{error:{message,type,param,code}}`, as for Chat Completions.
 */
import { GatewayError, UpstreamFailure, classOfStatus, type FailureClass } from '../../canonical/index.js';
import { clientFailureMessage, clientFailureStatus, isRecord, parseRetryAfterMs, quotaResetDelayFromText, openAiErrorCode } from '../common.js';
import { sseFrame } from '../sse.js';
import type { ErrorReply } from '../types.js';

type Headers = Record<string, string | string[] | undefined>;

interface ErrorInfo {
  message?: string;
  type?: string;
  code?: string;
  /** Absolute reset (unix seconds) or delay (seconds) of a usage limit (ChatGPT-backed Responses). */
  resetsAt?: number;
  resetsInSeconds?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** Reads `{error:{message,type,code,…}}`, `{error:"…"}`, a bare `{message,code}` or raw text. */
function errorInfo(body: unknown): ErrorInfo {
  if (!isRecord(body)) return typeof body === 'string' && body.trim() !== '' ? { message: body.trim().slice(0, 2000) } : {};
  if (typeof body.error === 'string') return { message: body.error };
  const e = isRecord(body.error) ? body.error : body;
  const info: ErrorInfo = {};
  const message = str(e.message);
  if (message !== undefined) info.message = message;
  const type = str(e.type);
  if (type !== undefined) info.type = type;
  const code = str(e.code);
  if (code !== undefined) info.code = code;
  const resetsAt = num(e.resets_at);
  if (resetsAt !== undefined) info.resetsAt = resetsAt;
  const resetsIn = num(e.resets_in_seconds);
  if (resetsIn !== undefined) info.resetsInSeconds = resetsIn;
  return info;
}

/** The class an OpenAI error code or type names, when it names one. */
function classOfCode(v: string | undefined): FailureClass | undefined {
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

/** Structured fields override the status class only for the classes they alone can tell. */
function refine(base: FailureClass, info: ErrorInfo): FailureClass {
  const named = classOfCode(info.code) ?? classOfCode(info.type);
  if (named === 'context_length' || named === 'quota') return named;
  return base;
}

function failure(cls: FailureClass, info: ErrorInfo, fallback: string, status: number | undefined, headers: Headers, now: number): UpstreamFailure {
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

export function decodeResponsesError(status: number, body: unknown, headers: Headers, now = Date.now()): UpstreamFailure {
  const info = errorInfo(body);
  return failure(refine(classOfStatus(status), info), info, `HTTP ${status}`, status, headers, now);
}

/**
 * An in-band failure: the `error` stream event (`{code,message}`), or `response.failed` /
 * a `status:'failed'` response (`response.error`). Classified by its code; unknown codes are server errors.
 */
export function decodeInBandFailure(error: unknown, now = Date.now()): UpstreamFailure {
  const info = errorInfo(isRecord(error) ? { error } : error);
  const named = classOfCode(info.code) ?? classOfCode(info.type);
  const cls: FailureClass = named ?? (info.code?.startsWith('invalid_') || info.code?.startsWith('image_') ? 'client_error' : 'server');
  return failure(cls, info, 'upstream response failed', undefined, {}, now);
}

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
}

/** Code reported to clients: the gateway's own code, else the upstream's, else the failure class. */
function clientCode(error: UpstreamFailure | GatewayError): string {
  return error instanceof GatewayError ? error.code : openAiErrorCode(error);
}

export function encodeResponsesError(error: UpstreamFailure | GatewayError): ErrorReply {
  const { status, headers } = clientFailureStatus(error);
  const body = {
    error: {
      message: clientFailureMessage(error),
      type: errorType(status),
      param: error instanceof GatewayError ? (error.param ?? null) : null,
      code: clientCode(error),
    },
  };
  return { status, body, ...(headers ? { headers } : {}) };
}

/**
 * The in-band stream failure: the API's `error` event, `{type:'error', code, message, param, sequence_number}`.
 * (No `response.failed` follows; the openai SDK rejects `responses.stream()` on this event.)
 */
export function encodeResponsesStreamError(error: UpstreamFailure | GatewayError, sequenceNumber: number): string {
  return sseFrame(
    {
      type: 'error',
      code: clientCode(error),
      message: clientFailureMessage(error),
      param: error instanceof GatewayError ? (error.param ?? null) : null,
      sequence_number: sequenceNumber,
    },
    'error',
  );
}
