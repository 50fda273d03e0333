/**
 * Cron and idle loops wired to the runtime. A cron fire appends its input (deterministic id), THEN records
 * `lastTriggeredAt` (and `catchUps`; a one-shot disables itself) and persists — a crash in between repeats
 * the same input id, which is answered once. An idle fire appends `idle-<windowStart>` and records the window.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { MimikitConfig } from '../config/index.js';
import type { HistoryMessage, InputMessage } from '../model/index.js';
import { systemMessage } from '../manager/index.js';
import { CronLoop, IdleLoop, nextFire } from '../scheduler/index.js';
import type { RuntimeState } from './state.js';
import { cronInput, idleInput } from './system-inputs.js';

export interface SchedulingDeps {
  state: RuntimeState;
  config: MimikitConfig;
  clock: Clock;
  logger: Logger;
  /** Appends and admits a system input: `known` = its id was seen before (nothing written), `stopped` = refused. */
  appendSystemInput: (input: InputMessage) => Promise<'appended' | 'known' | 'stopped'>;
  onJobChanged: (jobId: string) => void;
  isBusy: () => boolean;
  appendNotice: (message: HistoryMessage) => Promise<void>;
}

export interface Scheduling {
  cron: CronLoop;
  idle: IdleLoop;
  /** Disables a scheduled job (undefined: no such job). */
  cancelJob(id: string, source: 'user' | 'manager'): Promise<'canceled' | 'already_done' | 'already_canceled' | undefined>;
}

export function createScheduling(deps: SchedulingDeps): Scheduling {
  const { state, clock, logger } = deps;
  const iso = (ms: number) => new Date(ms).toISOString();
  let idle: IdleLoop | undefined;
  const cron = new CronLoop({
    jobs: () => state.snapshot.cronJobs,
    clock,
    logger,
    fire: async (job, fireAtMs, catchUp) => {
      const appended = await deps.appendSystemInput(cronInput(job, fireAtMs, catchUp, clock.now()));
      if (appended === 'stopped') return; // not recorded: the next start catches it up
      job.lastTriggeredAt = iso(fireAtMs);
      if (catchUp && appended === 'appended') job.catchUps = (job.catchUps ?? 0) + 1;
      if (job.scheduledAt !== undefined || nextFire(job, clock.now()) === undefined) {
        job.enabled = false;
        job.disabledReason = 'completed';
      }
      logger.info({ jobId: job.id, fireAt: iso(fireAtMs), catchUp, appended }, 'cron: fired');
      deps.onJobChanged(job.id);
      idle?.noteActivity();
      await state.saveQuietly('cron fire');
    },
    onInvalid: (job, error) => {
      logger.error({ jobId: job.id, error: error.message }, 'cron: job cannot be scheduled; disabled');
      job.enabled = false;
      job.disabledReason = 'invalid';
      deps.onJobChanged(job.id);
      void state.saveQuietly('cron invalid');
    },
  });
  idle = new IdleLoop({
    afterMs: deps.config.idle.afterMs,
    clock,
    logger,
    isBusy: deps.isBusy,
    firedWindow: () => state.snapshot.idleFiredForWindow,
    fire: async (windowStartMs) => {
      if ((await deps.appendSystemInput(idleInput(windowStartMs, clock.now()))) === 'stopped') return;
      state.snapshot.idleFiredForWindow = windowStartMs;
      logger.info({ window: iso(windowStartMs) }, 'idle: fired');
      await state.saveQuietly('idle fire');
    },
  });
  const cancelJob: Scheduling['cancelJob'] = async (id, source) => {
    const job = state.snapshot.cronJobs.find((j) => j.id === id);
    if (!job) return undefined;
    if (!job.enabled) return job.disabledReason === 'canceled' ? 'already_canceled' : 'already_done';
    job.enabled = false;
    job.disabledReason = 'canceled';
    void cron.reschedule();
    deps.onJobChanged(id);
    await state.saveQuietly('cron canceled');
    const summary = `Scheduled task canceled${source === 'user' ? ' by you' : ''} · ${job.title}`;
    await deps.appendNotice(systemMessage(`sys-cron-canceled-${id}`, iso(clock.now()), 'user', summary, 'cron_canceled', { task_id: id, title: job.title, cancel_source: source }));
    return 'canceled';
  };
  return { cron, idle, cancelJob };
}
