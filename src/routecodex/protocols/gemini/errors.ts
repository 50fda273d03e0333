/**
 * Classification of Gemini errors (google.rpc.Status bodies: `{error:{code, message, status, details}}`),
 * from the HTTP status refined by the structured `status` and `details` (RetryInfo, ErrorInfo, QuotaFailure).
 */
import { modelSeries } from '../../canonical/model-series.js';
import { classOfStatus, UpstreamFailure, type FailureClass, type UpstreamFailureInit } from '../../canonical/index.js';
import { isRecord, parseDurationMs, parseRetryAfterMs, quotaResetDelayFromText } from '../common.js';
import { GeminiErrorBodySchema, GeminiErrorDetailSchema, type GeminiError, type GeminiErrorDetail } from './schema.js';

type Headers = Record<string, string | string[] | undefined>;

/** Classes of the google.rpc status codes that decide the class by themselves. */
const CLASS_OF_RPC_STATUS: Record<string, FailureClass> = {
  RESOURCE_EXHAUSTED: 'rate_limit',
  UNAUTHENTICATED: 'auth',
  PERMISSION_DENIED: 'auth',
  UNAVAILABLE: 'server',
  INTERNAL: 'server',
  DEADLINE_EXCEEDED: 'timeout',
};

/**
 * Gemini reports an over-long prompt only in prose, under INVALID_ARGUMENT: "The input token count
 * (1196265) exceeds the maximum number of tokens allowed (1048575)."
 */
export function isInputTooLongMessage(message: string): boolean {
  return /\btoken count\b.*\bexceeds the maximum\b/i.test(message);
}

/** The model series a quota applies to, from a model name: claude / gemini-flash / gemini-pro. */
/** The quota series of a model (one definition, in the canonical model). */
export const quotaSeriesOfModel = modelSeries;

function detailsOf(err: GeminiError | undefined): GeminiErrorDetail[] {
  const out: GeminiErrorDetail[] = [];
  for (const d of err?.details ?? []) {
    const parsed = GeminiErrorDetailSchema.safeParse(d);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}

function detail(details: GeminiErrorDetail[], type: string): GeminiErrorDetail | undefined {
  return details.find((d) => d['@type']?.endsWith(`google.rpc.${type}`) === true);
}

function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = record?.[key];
  return typeof v === 'string' ? v : undefined;
}

/** The model a quota error names: ErrorInfo metadata.model, else a QuotaFailure violation's quotaDimensions.model. */
function quotaModel(errorInfo: GeminiErrorDetail | undefined, quotaFailure: GeminiErrorDetail | undefined): string | undefined {
  const fromInfo = stringField(errorInfo?.metadata, 'model');
  if (fromInfo !== undefined) return fromInfo;
  for (const v of quotaFailure?.violations ?? []) {
    const dims = v.quotaDimensions;
    const model = isRecord(dims) ? stringField(dims, 'model') : undefined;
    if (model !== undefined) return model;
  }
  return undefined;
}

/**
 * Builds the failure for a parsed Gemini error object. `httpStatus` is the response status (undefined for
 * an error that came inside a stream, where `error.code` stands in for it).
 */
export function failureFromErrorObject(
  err: GeminiError | undefined,
  httpStatus: number | undefined,
  headers: Headers,
  fallbackMessage: string,
  now = Date.now(),
): UpstreamFailure {
  const status = httpStatus ?? err?.code;
  const rpcStatus = err?.status;
  const message = err?.message ?? fallbackMessage;
  const details = detailsOf(err);
  const errorInfo = detail(details, 'ErrorInfo');

  let cls: FailureClass = status !== undefined ? classOfStatus(status) : 'server';
  if (rpcStatus !== undefined && CLASS_OF_RPC_STATUS[rpcStatus] !== undefined) cls = CLASS_OF_RPC_STATUS[rpcStatus];
  if (errorInfo?.reason === 'API_KEY_INVALID') cls = 'auth';
  if (rpcStatus === 'INVALID_ARGUMENT' && isInputTooLongMessage(message)) cls = 'context_length';

  const init: UpstreamFailureInit = { class: cls, message };
  if (status !== undefined) init.status = status;
  if (rpcStatus !== undefined) init.upstreamCode = rpcStatus;
  const retryDelay = detail(details, 'RetryInfo')?.retryDelay;
  const retryAfterMs = (retryDelay !== undefined ? parseDurationMs(retryDelay) : undefined) ?? parseRetryAfterMs(headers, now);
  if (retryAfterMs !== undefined) init.retryAfterMs = retryAfterMs;

  if (cls === 'rate_limit') {
    const delayText = stringField(errorInfo?.metadata, 'quotaResetDelay');
    const delay = (delayText !== undefined ? parseDurationMs(delayText) : undefined) ?? quotaResetDelayFromText(message);
    const stamp = Date.parse(stringField(errorInfo?.metadata, 'quotaResetTimeStamp') ?? '');
    const resetAt = delay !== undefined ? now + delay : Number.isNaN(stamp) ? undefined : stamp;
    if (resetAt !== undefined) {
      init.class = 'quota';
      init.quotaResetAt = resetAt;
      const model = quotaModel(errorInfo, detail(details, 'QuotaFailure'));
      const series = model !== undefined ? quotaSeriesOfModel(model) : undefined;
      if (series !== undefined) init.quotaSeries = series;
    }
  }
  return new UpstreamFailure(init);
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body.trim().slice(0, 1000);
  if (body === undefined || body === null) return '';
  return JSON.stringify(body).slice(0, 1000);
}

/** Classifies a non-2xx Gemini answer. `body` is parsed JSON when it parsed, else the raw text. */
export function decodeGeminiError(status: number, body: unknown, headers: Headers, now = Date.now()): UpstreamFailure {
  // streamGenerateContent without alt=sse wraps errors in an array.
  const candidate = Array.isArray(body) ? body[0] : body;
  const parsed = GeminiErrorBodySchema.safeParse(candidate);
  const fallback = bodyText(body) || `HTTP ${status}`;
  return failureFromErrorObject(parsed.success ? parsed.data.error : undefined, status, headers, fallback, now);
}
