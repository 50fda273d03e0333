/** OpenAI-style errors: classifying upstream errors, and the error bodies chat clients expect. */
import { GatewayError, UpstreamFailure, classOfStatus, type FailureClass } from '../../canonical/index.js';
import {
  clientFailureMessage,
  clientFailureStatus,
  isRecord,
  parseRetryAfterMs,
  quotaResetDelayFromText, openAiErrorCode } from '../common.js';
import { sseFrame } from '../sse.js';
import type { ErrorReply } from '../types.js';

type Headers = Record<string, string | string[] | undefined>;

interface ErrorInfo {
  message?: string;
  type?: string;
  code?: string;
  /** A numeric status some servers put in the body (`error.code: 502`, `error.status`). */
  status?: number;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads `{error:{message,type,code}}`, `{error:"…"}`, vLLM's `{object:"error",message,type,code}` and `[{error}]`. */
export function errorInfo(body: unknown): ErrorInfo {
  if (Array.isArray(body)) return errorInfo(body[0]);
  if (!isRecord(body)) return typeof body === 'string' && body.trim() !== '' ? { message: body.trim().slice(0, 2000) } : {};
  if (typeof body.error === 'string') return { message: body.error };
  const e = isRecord(body.error) ? body.error : body;
  const info: ErrorInfo = {};
  const message = str(e.message) ?? str(e.detail);
  if (message !== undefined) info.message = message;
  const type = str(e.type);
  if (type !== undefined) info.type = type;
  if (typeof e.code === 'string' && e.code !== '') info.code = e.code;
  const status = typeof e.code === 'number' ? e.code : e.status;
  if (typeof status === 'number' && status >= 400 && status < 600) info.status = status;
  return info;
}

/** Refines a status-derived class with OpenAI's structured error fields. */
function refine(base: FailureClass, info: ErrorInfo): FailureClass {
  const is = (v: string): boolean => info.code === v || info.type === v;
  if (is('context_length_exceeded')) return 'context_length';
  if (is('insufficient_quota')) return 'quota';
  return base;
}

function failure(cls: FailureClass, info: ErrorInfo, fallback: string, status: number | undefined, headers: Headers, now: number): UpstreamFailure {
  const message = info.message ?? fallback;
  let quotaResetAt: number | undefined;
  const resetDelay = quotaResetDelayFromText(message);
  if (resetDelay !== undefined && (cls === 'quota' || cls === 'rate_limit')) {
    cls = 'quota';
    quotaResetAt = now + resetDelay;
  }
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

export function decodeChatError(status: number, body: unknown, headers: Headers, now = Date.now()): UpstreamFailure {
  const info = errorInfo(body);
  return failure(refine(classOfStatus(status), info), info, `HTTP ${status}`, status, headers, now);
}

/** An in-band `{"error":{…}}` stream payload: classified by its status field when it has one, else a server error. */
export function decodeInBandError(payload: unknown, now = Date.now()): UpstreamFailure {
  const info = errorInfo(payload);
  let base: FailureClass = info.status !== undefined ? classOfStatus(info.status) : 'server';
  if (info.status === undefined && (info.code === 'rate_limit_exceeded' || info.type === 'rate_limit_error')) base = 'rate_limit';
  return failure(refine(base, info), info, 'upstream stream reported an error', info.status, {}, now);
}

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_error';
  return status >= 400 && status < 500 ? 'invalid_request_error' : 'api_error';
}

function errorBody(error: UpstreamFailure | GatewayError, status: number): { error: Record<string, unknown> } {
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

export function encodeChatError(error: UpstreamFailure | GatewayError): ErrorReply {
  const { status, headers } = clientFailureStatus(error);
  return { status, body: errorBody(error, status), ...(headers ? { headers } : {}) };
}

/** The in-band stream error (no `[DONE]` after it): the SDK raises `data.error` as an APIError. */
export function encodeChatStreamError(error: UpstreamFailure | GatewayError): string {
  return sseFrame(errorBody(error, clientFailureStatus(error).status));
}
