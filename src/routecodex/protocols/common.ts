/** Helpers shared by the protocol codecs. Pure functions only. */
import { randomBytes } from 'node:crypto';
import type { FunctionTool, ImageSource, ReasoningEffort } from '../canonical/index.js';
import { GatewayError, type UpstreamFailure } from '../canonical/index.js';

/** `data:<mediaType>;base64,<data>` → base64 image source; anything else → URL source. */
export function imageSourceFromUrl(url: string): ImageSource {
  const m = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (m) return { kind: 'base64', mediaType: m[1]!, data: m[2]! };
  return { kind: 'url', url };
}

export function imageSourceToUrl(source: ImageSource): string {
  return source.kind === 'url' ? source.url : `data:${source.mediaType};base64,${source.data}`;
}

/** Guesses an image media type from a URL's extension (for protocols that need one). */
export function mediaTypeFromUrl(url: string): string {
  const ext = /\.([a-z0-9]+)(?:[?#].*)?$/i.exec(url)?.[1]?.toLowerCase();
  switch (ext) {
    case 'png':
      return 'image/png';
    case 'gif':
      return 'image/gif';
    case 'webp':
      return 'image/webp';
    default:
      return 'image/jpeg';
  }
}

/** A fresh tool-call id in OpenAI's style. */
export function newToolCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}

/** Maps an id to the `[A-Za-z0-9_-]` alphabet some protocols require; deterministic, so calls and results still match. */
export function sanitizeToolCallId(id: string): string {
  const clean = id.replace(/[^A-Za-z0-9_-]/g, '_');
  return clean.length > 0 ? clean : 'call_';
}

export function safeJsonParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Tool arguments as a JSON object (for protocols that send objects, not text); `{}` for empty text. */
export function toolArgumentsToObject(text: string): Record<string, unknown> {
  if (text.trim() === '') return {};
  const parsed = safeJsonParse(text);
  if (parsed.ok && parsed.value !== null && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) {
    return parsed.value as Record<string, unknown>;
  }
  return { _raw: text };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Server-requested wait from `retry-after-ms`, `Retry-After` (seconds or an HTTP date), in ms.
 * `now` is only used for the HTTP-date form.
 */
export function parseRetryAfterMs(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  const ra = headerValue(headers, 'retry-after');
  if (ra === undefined) return undefined;
  const t = ra.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Math.round(Number(t) * 1000);
  const date = Date.parse(t);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Parses durations like `1h2m3s`, `30s`, `1.5s`, `500ms`, `2m` into ms; undefined when it is not one. */
export function parseDurationMs(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(t)) return undefined;
  let total = 0;
  for (const m of t.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === 'h' ? n * 3_600_000 : unit === 'm' ? n * 60_000 : unit === 's' ? n * 1000 : n;
  }
  return Math.round(total);
}

/**
 * Finds a quota reset delay in an upstream error message, e.g. "Your quota will reset after 1h2m3s" or
 * "quota resets in 45m". Quota messages are prose by nature, so this is the one place text is read.
 */
export function quotaResetDelayFromText(message: string): number | undefined {
  const m = /quota[^.]*?\breset(?:s)?\s+(?:in|after)\s+((?:\d+(?:\.\d+)?(?:ms|h|m|s))+)/i.exec(message);
  return m ? parseDurationMs(m[1]!) : undefined;
}

/** Reasoning effort ↔ thinking-token budget, for protocols that speak only one of the two. */
const EFFORT_BUDGET: Record<ReasoningEffort, number> = {
  minimal: 1024,
  low: 4096,
  medium: 12_000,
  high: 24_000,
  xhigh: 32_000,
};

export function effortToBudget(effort: ReasoningEffort): number {
  return EFFORT_BUDGET[effort];
}

export function budgetToEffort(budget: number): ReasoningEffort {
  if (budget <= 1024) return 'minimal';
  if (budget <= 4096) return 'low';
  if (budget <= 12_000) return 'medium';
  if (budget <= 24_000) return 'high';
  return 'xhigh';
}

/** Seconds since the epoch (OpenAI `created` fields). */
export function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/**
 * The client-facing HTTP status (and `retry-after` header) of a failure, the same for every inbound
 * protocol: GatewayError → its status; rate_limit/quota → 429 (+ retry-after in seconds, rounded up,
 * when a wait or reset is known); client_error/context_length with an upstream 4xx → that status;
 * unavailable → 503; anything else → 502.
 */
export function clientFailureStatus(
  error: UpstreamFailure | GatewayError,
  now = Date.now(),
): { status: number; headers?: Record<string, string> } {
  if (error instanceof GatewayError) return { status: error.status };
  switch (error.class) {
    case 'rate_limit':
    case 'quota': {
      const waitMs = error.retryAfterMs ?? (error.quotaResetAt !== undefined ? error.quotaResetAt - now : undefined);
      if (waitMs === undefined) return { status: 429 };
      return { status: 429, headers: { 'retry-after': String(Math.max(0, Math.ceil(waitMs / 1000))) } };
    }
    case 'client_error':
    case 'context_length':
      if (error.status !== undefined && error.status >= 400 && error.status < 500) return { status: error.status };
      return { status: 502 };
    case 'unavailable':
      return error.retryAfterMs !== undefined ? { status: 503, headers: { 'retry-after': String(Math.max(0, Math.ceil(error.retryAfterMs / 1000))) } } : { status: 503 };
    default:
      return { status: 502 };
  }
}

/**
 * The message a client sees for a failure: names the providerKey tried, the upstream status and the
 * upstream message when known, e.g. "upstream openai.key1.gpt-4.1 returned 500: boom".
 */
export function clientFailureMessage(error: UpstreamFailure | GatewayError): string {
  if (error instanceof GatewayError || error.class === 'unavailable') return error.message;
  const who = error.providerKey !== undefined ? `upstream ${error.providerKey}` : 'upstream';
  const what = error.status !== undefined ? `returned ${error.status}` : `failed (${error.class})`;
  return error.message ? `${who} ${what}: ${error.message}` : `${who} ${what}`;
}

/** The fields of a zod 4 issue that `gatewayErrorFromZod` reads (structural, so this file needs no zod import). */
export interface ValidationIssueLike {
  readonly code: string;
  readonly path: PropertyKey[];
  readonly message: string;
  readonly expected?: unknown;
  readonly errors?: ReadonlyArray<ReadonlyArray<ValidationIssueLike>>;
}

/** A JSON path like `messages[2].content[0].text` (empty string for the root). */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out === '' ? String(seg) : `.${String(seg)}`;
  }
  return out;
}

/**
 * Turns the first issue of a failed zod parse (`result.error.issues`) into a 400 `invalid_request_error`
 * GatewayError whose message says what is wrong and where, and whose `param` is the JSON path. For a
 * union, it reports the branch that got furthest, or "expected string or array" when all failed at the top.
 */
export function gatewayErrorFromZod(issues: ReadonlyArray<ValidationIssueLike>): GatewayError {
  const first = issues[0];
  if (first === undefined) return new GatewayError(400, 'invalid_request_error', 'Invalid request body');
  const { path, message } = describeValidationIssue(first, []);
  const where = jsonPath(path);
  return new GatewayError(400, 'invalid_request_error', where ? `${where}: ${message}` : `request body: ${message}`, where || undefined);
}

function describeValidationIssue(
  issue: ValidationIssueLike,
  prefix: PropertyKey[],
): { path: PropertyKey[]; message: string } {
  const path = [...prefix, ...issue.path];
  const branches = (issue.errors ?? []).map((b) => b[0]).filter((i): i is ValidationIssueLike => i !== undefined);
  if (issue.code === 'invalid_union' && branches.length > 0) {
    const deepest = branches.reduce((a, b) => (b.path.length > a.path.length ? b : a));
    if (deepest.path.length > 0 || branches.length === 1) return describeValidationIssue(deepest, path);
    const expected = [...new Set(branches.map((b) => (b.code === 'invalid_type' ? String(b.expected) : '')))];
    const received = /received (\w+)/.exec(deepest.message)?.[1];
    if (!expected.includes('')) {
      return { path, message: `expected ${expected.join(' or ')}${received ? `, received ${received}` : ''}` };
    }
    // A union with its own (custom) message says it best; zod's generic one does not.
    if (issue.message !== 'Invalid input') return { path, message: issue.message };
    return describeValidationIssue(deepest, path);
  }
  return { path, message: issue.message.replace(/^Invalid input: /, '') };
}

/**
 * The `code` of an OpenAI-shaped error body for an upstream failure: a context-length failure always says
 * `context_length_exceeded` (OpenAI's code), whatever the upstream called it, so clients can detect it.
 */
export function openAiErrorCode(error: UpstreamFailure): string {
  return error.class === 'context_length' ? 'context_length_exceeded' : (error.upstreamCode ?? error.class);
}

/** True for a JSON body that carries a non-null `error` field (an error answered with status 200). */
export function hasErrorField(body: unknown): boolean {
  return isRecord(body) && body.error !== undefined && body.error !== null;
}

/** A canonical function tool from OpenAI's fields (Chat nests them under `function`, Responses flattens them). */
export function functionTool(f: { name: string; description?: string | null; parameters?: Record<string, unknown> | null; strict?: boolean | null }): FunctionTool {
  return {
    type: 'function',
    name: f.name,
    parameters: f.parameters ?? { type: 'object', properties: {} },
    ...(f.description != null ? { description: f.description } : {}),
    ...(f.strict != null ? { strict: f.strict } : {}),
  };
}
