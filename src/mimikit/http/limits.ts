/** The one `limit` normalizer: a bad value falls back to the default, a good one is floored and clamped to the maximum. */

export interface LimitRule {
  default: number;
  max: number;
}

export const LIMITS = {
  messages: { default: 50, max: 500 },
  export: { default: 200, max: 1_000 },
  tasks: { default: 200, max: 500 },
} as const satisfies Record<string, LimitRule>;

export function normalizeLimit(raw: unknown, rule: LimitRule): number {
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : typeof raw === 'number' ? raw : Number.NaN;
  if (!Number.isFinite(value) || value < 1) return rule.default;
  return Math.min(rule.max, Math.floor(value));
}

/** `?limit=` of a request (first value when repeated). */
export function limitOf(query: unknown, rule: LimitRule): number {
  const raw = query && typeof query === 'object' ? (query as Record<string, unknown>).limit : undefined;
  return normalizeLimit(Array.isArray(raw) ? raw[0] : raw, rule);
}
