/**
 * When a scheduled job fires: 6-field cron expressions (with seconds, croner) read in the job's time zone,
 * or one `scheduledAt` instant. A job never fires for a time at or before its baseline (its last fire, or
 * its creation).
 */
import { Cron } from 'croner';
import type { CronJob } from '../model/index.js';

export class CronJobError extends Error {
  override name = 'CronJobError';
}

function cronOf(job: CronJob): Cron {
  try {
    return new Cron(job.cron ?? '', { paused: true, mode: '6-part', legacyMode: false, ...(job.timeZone ? { timezone: job.timeZone } : {}) });
  } catch (e) {
    throw new CronJobError(`job ${job.id}: invalid cron expression ${JSON.stringify(job.cron)}: ${(e as Error).message}`);
  }
}

function parse(iso: string | undefined, what: string, job: CronJob): number | undefined {
  if (iso === undefined) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new CronJobError(`job ${job.id}: ${what} is not a date: ${JSON.stringify(iso)}`);
  return ms;
}

function baseline(job: CronJob): number {
  return parse(job.lastTriggeredAt, 'lastTriggeredAt', job) ?? parse(job.createdAt, 'createdAt', job) ?? 0;
}

function guard<T>(job: CronJob, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof CronJobError) throw e;
    throw new CronJobError(`job ${job.id}: ${(e as Error).message}`);
  }
}

/** The latest fire time in (baseline, now], if any: what is due now (several missed fires count once). */
export function dueFire(job: CronJob, nowMs: number): number | undefined {
  if (!job.enabled) return undefined;
  return guard(job, () => {
    if (job.scheduledAt !== undefined) {
      const at = parse(job.scheduledAt, 'scheduledAt', job) as number;
      return job.lastTriggeredAt === undefined && at <= nowMs ? at : undefined;
    }
    const cron = cronOf(job);
    const previous = cron.previousRuns(1, new Date(nowMs + 1))[0]?.getTime(); // previousRuns is strictly before its reference
    return previous !== undefined && previous > baseline(job) ? previous : undefined;
  });
}

/** The next fire time after now (and after the baseline); undefined when the job will never fire again. */
export function nextFire(job: CronJob, nowMs: number): number | undefined {
  if (!job.enabled) return undefined;
  return guard(job, () => {
    if (job.scheduledAt !== undefined) return job.lastTriggeredAt === undefined ? (parse(job.scheduledAt, 'scheduledAt', job) as number) : undefined;
    return cronOf(job).nextRun(new Date(Math.max(nowMs, baseline(job))))?.getTime();
  });
}
