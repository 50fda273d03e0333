/**
 * The worker pool: runs tasks `maxConcurrent` at a time, in arrival order, with a timeout per
 * attempt, retries of transient failures, and cancel at any time. Work starts when a task arrives or
 * a slot frees — there is no polling.
 */
import type { Logger } from '../../shared/logger.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { CancelInfo } from '../model/tasks.js';
import { addUsage, type TokenUsage } from '../model/usage.js';
import { abortableDelay, backoffDelay, type RetryPolicy } from './backoff.js';
import type { AttemptResult, WorkerProfile, WorkerTask } from './types.js';

export interface AttemptContext {
  profile: WorkerProfile;
  /** 1-based. */
  attempt: number;
  /** Aborted on cancel, on the profile timeout and on stop. */
  signal: AbortSignal;
}

/** Runs one attempt; must honour `signal` and should not throw (a throw counts as a permanent failure). */
export type AttemptRunner<T extends WorkerTask> = (task: T, ctx: AttemptContext) => Promise<AttemptResult>;

export interface TaskOutcome {
  status: 'succeeded' | 'failed' | 'canceled';
  /** The result text; for a failure the error, for a cancel what canceled it. */
  output: string;
  usage?: TokenUsage;
  /** Attempts started (0 for a task canceled while pending). */
  attempts: number;
  durationMs: number;
  cancel?: CancelInfo;
  error?: string;
}

export interface WorkerPoolOptions<T extends WorkerTask> {
  maxConcurrent: number;
  retry: RetryPolicy;
  runAttempt: AttemptRunner<T>;
  /** Before every attempt; awaited. */
  onStart?: (task: T, attempt: number) => void | Promise<void>;
  /** Once per task, unless the pool is stopped first; awaited before the slot frees. */
  onFinished?: (task: T, outcome: TaskOutcome) => void | Promise<void>;
  clock?: Clock;
  logger?: Logger;
}

/** Why an attempt's signal was aborted. */
export class WorkerAbort extends Error {
  constructor(
    readonly kind: 'cancel' | 'timeout' | 'stop',
    message: string,
  ) {
    super(message);
    this.name = 'WorkerAbort';
  }
}

interface Queued<T> {
  task: T;
  profile: WorkerProfile;
}

interface Running<T> extends Queued<T> {
  controller: AbortController;
  cancel?: CancelInfo;
  done?: Promise<void>;
}

export const canceledOutput = (info: CancelInfo) => `Task canceled by ${info.source}${info.reason ? `: ${info.reason}` : ''}`;

export class WorkerPool<T extends WorkerTask = WorkerTask> {
  private pending: Array<Queued<T>> = [];
  private readonly running = new Map<string, Running<T>>();
  private readonly interrupted: string[] = [];
  private stopped = false;
  private readonly clock: Clock;

  constructor(private readonly options: WorkerPoolOptions<T>) {
    if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) throw new Error(`worker maxConcurrent must be an integer ≥ 1, got ${options.maxConcurrent}`);
    if (!Number.isInteger(options.retry.maxAttempts) || options.retry.maxAttempts < 1) throw new Error(`worker retry.maxAttempts must be an integer ≥ 1, got ${options.retry.maxAttempts}`);
    this.clock = options.clock ?? systemClock;
  }

  /** Queues a task; false when the pool is stopped or the task is already queued or running. */
  enqueue(task: T, profile: WorkerProfile): boolean {
    if (this.stopped || this.running.has(task.id) || this.pending.some((q) => q.task.id === task.id)) return false;
    this.pending.push({ task, profile });
    this.pump();
    return true;
  }

  /** A pending task is dropped (and finishes canceled); a running one is aborted. */
  cancel(taskId: string, info: CancelInfo): 'pending' | 'running' | 'not_found' {
    const index = this.pending.findIndex((q) => q.task.id === taskId);
    if (index >= 0) {
      const [queued] = this.pending.splice(index, 1);
      if (queued) void this.finish(queued.task, { status: 'canceled', output: canceledOutput(info), attempts: 0, durationMs: 0, cancel: info });
      return 'pending';
    }
    const entry = this.running.get(taskId);
    if (!entry) return 'not_found';
    entry.cancel ??= info;
    entry.controller.abort(new WorkerAbort('cancel', canceledOutput(info)));
    return 'running';
  }

  stats(): { running: number; pending: number } {
    return { running: this.running.size, pending: this.pending.length };
  }

  /**
   * Stops taking work, aborts running attempts and resolves once they have settled, with the ids of
   * the tasks that did not finish (pending ones and aborted ones): they get no `onFinished`, so the
   * caller can run them again later.
   */
  async stop(): Promise<string[]> {
    this.stopped = true;
    this.interrupted.push(...this.pending.map((q) => q.task.id));
    this.pending = [];
    const running = [...this.running.values()];
    for (const entry of running) entry.controller.abort(new WorkerAbort('stop', 'the worker pool is stopping'));
    await Promise.allSettled(running.map((e) => e.done));
    return [...this.interrupted];
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.options.maxConcurrent) {
      const next = this.pending.shift();
      if (!next) return;
      const entry: Running<T> = { ...next, controller: new AbortController() };
      this.running.set(next.task.id, entry);
      // Deferred by a microtask so `entry.done` exists before any callback can re-enter the pool.
      entry.done = Promise.resolve()
        .then(() => this.run(entry))
        .catch((e: unknown) => this.options.logger?.error({ err: e, taskId: entry.task.id }, 'worker pool: task run failed unexpectedly'))
        .finally(() => {
          this.running.delete(entry.task.id);
          this.pump();
        });
    }
  }

  private async run(entry: Running<T>): Promise<void> {
    const { task, profile } = entry;
    const { retry } = this.options;
    const started = this.clock.now();
    const taskSignal = entry.controller.signal;
    let usage: TokenUsage | undefined;
    let attempts = 0;
    let lastError = '';
    const outcome = (status: TaskOutcome['status'], output: string, extra: Partial<TaskOutcome> = {}): TaskOutcome => ({
      status,
      output,
      attempts,
      durationMs: Math.max(0, this.clock.now() - started),
      ...(usage ? { usage } : {}),
      ...extra,
    });

    while (attempts < retry.maxAttempts && !taskSignal.aborted) {
      attempts += 1;
      await this.callback('onStart', () => this.options.onStart?.(task, attempts));
      if (taskSignal.aborted) break;
      const { result, timedOut } = await this.attempt(entry, attempts);
      usage = addUsage(usage, result.usage);
      if (result.status === 'succeeded' && !entry.cancel) return this.finish(task, outcome('succeeded', result.output));
      if (taskSignal.aborted) break;
      const transient = timedOut || (result.status === 'failed' && result.transient);
      lastError = timedOut ? `attempt ${attempts} timed out after ${profile.timeoutMs} ms` : result.status === 'failed' ? result.error : 'the attempt was aborted';
      if (!transient || attempts >= retry.maxAttempts) break;
      this.options.logger?.warn({ taskId: task.id, attempt: attempts, error: lastError }, 'worker: transient failure, retrying');
      if (!(await abortableDelay(backoffDelay(retry, attempts), taskSignal))) break;
    }

    if (entry.cancel) return this.finish(task, outcome('canceled', canceledOutput(entry.cancel), { cancel: entry.cancel }));
    if (taskSignal.aborted) {
      this.interrupted.push(task.id);
      return;
    }
    const error = attempts > 1 ? `${lastError} (after ${attempts} attempts)` : lastError;
    return this.finish(task, outcome('failed', error, { error }));
  }

  private async attempt(entry: Running<T>, attempt: number): Promise<{ result: AttemptResult; timedOut: boolean }> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new WorkerAbort('timeout', `timed out after ${entry.profile.timeoutMs} ms`)), entry.profile.timeoutMs);
    const signal = AbortSignal.any([entry.controller.signal, timeout.signal]);
    try {
      const result = await this.options.runAttempt(entry.task, { profile: entry.profile, attempt, signal });
      return { result, timedOut: timeout.signal.aborted && !entry.controller.signal.aborted };
    } catch (e) {
      const error = `the attempt crashed: ${(e as Error).message ?? String(e)}`;
      return { result: { status: 'failed', error, transient: false, rounds: 0 }, timedOut: timeout.signal.aborted && !entry.controller.signal.aborted };
    } finally {
      clearTimeout(timer);
    }
  }

  private async finish(task: T, outcome: TaskOutcome): Promise<void> {
    await this.callback('onFinished', () => this.options.onFinished?.(task, outcome));
  }

  private async callback(name: string, call: () => void | Promise<void>): Promise<void> {
    try {
      await call();
    } catch (e) {
      this.options.logger?.error({ err: e }, `worker pool: ${name} callback failed`);
    }
  }
}
