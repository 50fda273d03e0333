/** Anthropic error bodies: classifying upstream errors, and the error shape Anthropic clients expect. */
import {
  GatewayError,
  UpstreamFailure,
  classOfStatus,
  type FailureClass,
  type UpstreamFailureInit,
} from '../../canonical/index.js';
import type { ErrorReply } from '../types.js';
import {
  clientFailureMessage,
  clientFailureStatus,
  isRecord,
  parseRetryAfterMs,
  quotaResetDelayFromText,
} from '../common.js';
import { sseFrame } from '../sse.js';

type Headers = Record<string, string | string[] | undefined>;

/** `{type:'error', error:{type, message}}` → its type and message, when the body has that shape. */
export function errorFields(body: unknown): { type?: string; message?: string } {
  if (!isRecord(body)) return {};
  const err = isRecord(body['error']) ? body['error'] : body;
  const out: { type?: string; message?: string } = {};
  if (typeof err['type'] === 'string' && err['type'] !== 'error') out.type = err['type'];
  if (typeof err['message'] === 'string') out.message = err['message'];
  return out;
}

/**
 * Anthropic reports a prompt that does not fit the context window as an `invalid_request_error` whose
 * message starts with "prompt is too long" (its documented signal for this error; there is no code).
 */
export function isPromptTooLong(type: string | undefined, message: string | undefined): boolean {
  return type === 'invalid_request_error' && message !== undefined && /^prompt is too long/i.test(message.trim());
}

/** HTTP status Anthropic uses for each error type (for in-band stream errors, which carry no status). */
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function statusOfErrorType(type: string | undefined): number {
  return (type !== undefined ? STATUS_OF_TYPE[type] : undefined) ?? 500;
}

/** Classifies an Anthropic error by status, refined by the structured error type. */
export function classifyError(
  status: number,
  body: unknown,
  headers: Headers = {},
  now = Date.now(),
): UpstreamFailure {
  const { type, message } = errorFields(body);
  const text = message ?? (typeof body === 'string' && body.trim() !== '' ? body.trim().slice(0, 1000) : `HTTP ${status}`);
  let cls: FailureClass = classOfStatus(status);
  if (type === 'overloaded_error') cls = 'server';
  if (isPromptTooLong(type, message)) cls = 'context_length';
  const init: UpstreamFailureInit = { class: cls, message: text, status };
  if (type !== undefined) init.upstreamCode = type;
  const retryAfterMs = parseRetryAfterMs(headers, now);
  if (retryAfterMs !== undefined) init.retryAfterMs = retryAfterMs;
  if (cls === 'rate_limit') {
    const resetMs = quotaResetDelayFromText(text);
    if (resetMs !== undefined) {
      init.class = 'quota';
      init.quotaResetAt = now + resetMs;
    }
  }
  return new UpstreamFailure(init);
}

export function decodeError(status: number, body: unknown, headers: Headers): UpstreamFailure {
  return classifyError(status, body, headers);
}

/** An in-band stream `error` event (no HTTP status: the error type implies one). */
export function streamErrorFailure(payload: unknown): UpstreamFailure {
  return classifyError(statusOfErrorType(errorFields(payload).type), payload);
}

/** The Anthropic error type clients expect for a client-facing status. */
export function errorTypeOfStatus(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 503:
    case 529:
      return 'overloaded_error';
    case 504:
      return 'timeout_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

export function errorBody(type: string, message: string): { type: 'error'; error: { type: string; message: string } } {
  return { type: 'error', error: { type, message } };
}

export function encodeError(error: UpstreamFailure | GatewayError): ErrorReply {
  const { status, headers } = clientFailureStatus(error);
  const reply: ErrorReply = { status, body: errorBody(errorTypeOfStatus(status), clientFailureMessage(error)) };
  if (headers) reply.headers = headers;
  return reply;
}

/** The in-band `event: error` frame of a stream that fails after it was committed. */
export function encodeStreamError(error: UpstreamFailure | GatewayError): string {
  const { status } = clientFailureStatus(error);
  return sseFrame(errorBody(errorTypeOfStatus(status), clientFailureMessage(error)), 'error');
}
