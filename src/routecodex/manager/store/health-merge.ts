/**
 * How two versions of one providerKey's health record combine, wherever they meet: in Redis when an
 * instance saves (the Lua script in redis/health-script.ts does exactly this), and in an instance's
 * memory when another instance's record arrives (pub/sub or reconcile). The newer record (by
 * `updatedAt`) gives the counters and the last failure/success; a running cooldown or trip is never
 * shortened — the later running deadline wins, whichever record carries it (LiteLLM's re-cooled
 * deployment keeps the FIRST, shorter deadline; here the longer one always survives).
 */
import type { ProviderHealthRecord } from '../../router/health/types.js';

/** The deadline of a cooldown or trip still running at `now`; 0 when none runs. */
export function runningUntil(record: ProviderHealthRecord | undefined, now: number): number {
  if (!record || record.state === 'healthy' || record.cooldownExpiresAt === undefined) return 0;
  return record.cooldownExpiresAt > now ? record.cooldownExpiresAt : 0;
}

/**
 * `incoming` over `existing`. Ties on `updatedAt` go to `incoming`. Returns `incoming` itself when it
 * wins unchanged (callers compare by identity to learn whether anything was kept from `existing`).
 */
export function mergeHealth(existing: ProviderHealthRecord | undefined, incoming: ProviderHealthRecord, now: number): ProviderHealthRecord {
  if (!existing) return incoming;
  const newer = incoming.updatedAt >= existing.updatedAt ? incoming : existing;
  const older = newer === incoming ? existing : incoming;
  const keep = runningUntil(older, now);
  if (keep === 0 || keep <= runningUntil(newer, now)) return newer;
  const merged: ProviderHealthRecord = {
    ...newer,
    state: older.state,
    cooldownExpiresAt: keep,
    rateLimitStep: Math.max(newer.rateLimitStep, older.rateLimitStep),
  };
  if (older.reason !== undefined) merged.reason = older.reason;
  else delete merged.reason;
  return merged;
}

/** Field-by-field equality of two records (JSON of the same shape). */
export function sameHealth(a: ProviderHealthRecord | undefined, b: ProviderHealthRecord | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ProviderHealthRecord>;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * How long Redis keeps a record: until its running cooldown ends or, for a record that still counts
 * failures, `ttlMs` after its last update (the same rule as `isHealthRecordRetained`); 0 = not at all.
 */
export function healthRelevanceMs(record: ProviderHealthRecord, now: number, ttlMs: number): number {
  let until = runningUntil(record, now);
  if (record.failureCount > 0 || record.rateLimitStep > 0) until = Math.max(until, record.updatedAt + ttlMs);
  return Math.max(0, until - now);
}
