/** Helpers shared by the protocol codecs. Pure functions only. */
import { randomBytes } from 'node:crypto';
import type { ImageSource, ReasoningEffort } from '../canonical/index.js';

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
