/**
 * The inputs the runtime writes itself: cron fires and idle wake-ups. Their ids are deterministic
 * (`cron-<jobId>-<fireAtMs>`, `idle-<windowStartMs>`) so a fire repeated after a crash is the same input;
 * a cron input's createdAt is its fire time, so recovery finds the reply that answered an earlier copy.
 */
import type { CronJob, InputMessage } from '../model/index.js';
import { renderSystemEvent } from '../manager/index.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function cronInput(job: CronJob, fireAtMs: number, catchUp: boolean, nowMs: number): InputMessage {
  const note = catchUp ? 'This fire was missed while mimikit was not running; it runs once now.' : undefined;
  return {
    id: `cron-${job.id}-${fireAtMs}`,
    role: 'system',
    visibility: 'all',
    wake: 'cron',
    createdAt: iso(fireAtMs),
    text: renderSystemEvent(`Scheduled task due: ${job.title}${catchUp ? ' (missed, run once now)' : ''}`, 'cron_trigger', {
      cron_job_id: job.id,
      title: job.title,
      prompt: job.prompt,
      profile: job.profile,
      fire_at: iso(fireAtMs),
      ...(job.cron !== undefined ? { cron: job.cron } : { scheduled_at: job.scheduledAt }),
      ...(job.timeZone ? { time_zone: job.timeZone } : {}),
      ...(catchUp ? { catch_up: true, triggered_at: iso(nowMs), note } : {}),
    }),
  };
}

export function idleInput(windowStartMs: number, nowMs: number): InputMessage {
  return {
    id: `idle-${windowStartMs}`,
    role: 'system',
    visibility: 'all',
    wake: 'idle',
    createdAt: iso(nowMs),
    text: renderSystemEvent('Idle for a while.', 'idle', { idle_since: iso(windowStartMs), triggered_at: iso(nowMs) }),
  };
}
