/**
 * Fires scheduled jobs. One timer, set to the earliest next fire time (no polling), re-armed after every
 * fire and whenever the jobs change. On start, a fire missed while the process was down fires once
 * (`catchUp`). Ticks never overlap; `stop()` waits for the one in flight.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { CronJob } from '../model/index.js';
import { CronJobError, dueFire, nextFire } from './cron-time.js';

export interface CronLoopOptions {
  /** The live job list (read on every tick). */
  jobs: () => readonly CronJob[];
  /** Must record the fire on the job (lastTriggeredAt…) before it resolves, or the job fires again. */
  fire: (job: CronJob, fireAtMs: number, catchUp: boolean) => Promise<void>;
  /** The job cannot be scheduled (bad expression or zone): the owner disables it. */
  onInvalid: (job: CronJob, error: CronJobError) => void;
  clock: Clock;
  logger: Logger;
  /** Longest single timer; the loop re-arms after it (default 1 h; setTimeout cannot wait ~25 days). */
  maxDelayMs?: number;
}

const RETRY_AFTER_FAILURE_MS = 5_000;

export class CronLoop {
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();
  private stopped = true;
  private everStopped = false;

  constructor(private readonly options: CronLoopOptions) {}

  /** Fires what was missed (once per job), then arms the timer. */
  async start(): Promise<void> {
    if (this.everStopped) return;
    this.stopped = false;
    await this.enqueue(true);
  }

  /** The jobs changed: re-arm (a job due right now fires at once). Resolves after that tick. */
  reschedule(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.enqueue(false);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.everStopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private enqueue(catchUp: boolean): Promise<void> {
    this.chain = this.chain.then(() => this.tick(catchUp));
    return this.chain;
  }

  private async tick(catchUp: boolean): Promise<void> {
    if (this.stopped) return;
    const { clock, logger } = this.options;
    const now = clock.now();
    let failed = false;
    for (const job of [...this.options.jobs()]) {
      if (this.stopped) return;
      let due: number | undefined;
      try {
        due = dueFire(job, now);
      } catch (e) {
        if (e instanceof CronJobError) this.options.onInvalid(job, e);
        else logger.error({ err: e, jobId: job.id }, 'cron: cannot compute the due time');
        continue;
      }
      if (due === undefined) continue;
      try {
        await this.options.fire(job, due, catchUp);
      } catch (e) {
        failed = true;
        logger.error({ err: e, jobId: job.id, fireAt: new Date(due).toISOString() }, 'cron: fire failed; will retry');
      }
    }
    this.arm(failed);
  }

  private arm(afterFailure: boolean): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.options.clock.now();
    let next: number | undefined;
    for (const job of this.options.jobs()) {
      let at: number | undefined;
      try {
        at = nextFire(job, now);
      } catch {
        continue; // reported by the tick
      }
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    if (next === undefined) return;
    const delay = Math.min(Math.max(afterFailure ? RETRY_AFTER_FAILURE_MS : 0, next - now), this.options.maxDelayMs ?? 3_600_000);
    this.timer = setTimeout(() => void this.enqueue(false), delay);
    this.timer.unref();
  }
}
