/**
 * Zod schemas of what the health persistence writes and reads back (file lines now, Redis values later),
 * and the retention rule both stores apply, so that every implementation keeps exactly the same records.
 */
import { z } from 'zod';
import { FAILURE_CLASSES } from '../../canonical/index.js';
import type { ProviderErrorEvent, ProviderHealthRecord } from '../../router/health/types.js';

const failureClassSchema = z.enum(FAILURE_CLASSES);
const healthStateSchema = z.enum(['healthy', 'cooling', 'tripped', 'half-open']);
const time = z.number().finite();

export const providerHealthRecordSchema = z.object({
  providerKey: z.string().min(1),
  state: z.enum(['healthy', 'cooling', 'tripped']),
  reason: z.enum(['rate_limit', 'server', 'quota', 'auth', 'manual']).optional(),
  failureCount: z.number().int().nonnegative(),
  rateLimitStep: z.number().int().nonnegative(),
  cooldownExpiresAt: time.optional(),
  lastFailureAt: time.optional(),
  lastFailureClass: failureClassSchema.optional(),
  lastFailureMessage: z.string().optional(),
  lastSuccessAt: time.optional(),
  updatedAt: time,
}) satisfies z.ZodType<ProviderHealthRecord>;

export const providerErrorEventSchema = z.object({
  at: time,
  providerKey: z.string().min(1),
  class: failureClassSchema,
  status: z.number().int().optional(),
  message: z.string(),
  upstreamCode: z.string().optional(),
  retryAfterMs: z.number().nonnegative().optional(),
  quotaResetAt: time.optional(),
  transition: z.object({ from: healthStateSchema, to: healthStateSchema, until: time.optional() }).optional(),
}) satisfies z.ZodType<ProviderErrorEvent>;

/**
 * Whether a record is still worth keeping at `now`: a cooldown or trip that has not expired, or a
 * failure count / rate-limit step younger than `ttlMs` (an expired cooldown that still counts failures
 * comes back half-open, as it would have been in the process that wrote it).
 */
export function isHealthRecordRetained(record: ProviderHealthRecord, now: number, ttlMs: number): boolean {
  if (record.state !== 'healthy' && record.cooldownExpiresAt !== undefined && record.cooldownExpiresAt > now) return true;
  const counting = record.failureCount > 0 || record.rateLimitStep > 0;
  return counting && record.updatedAt + ttlMs > now;
}
