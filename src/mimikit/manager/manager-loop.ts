/**
 * The manager loop: single flight, woken by signals (no polling). A wake during a batch sets a flag and
 * the loop looks again afterwards. A failed batch stays pending: transient failures are retried with
 * capped exponential backoff, others when the next wake arrives. `stop()` lets the in-flight batch finish
 * (aborting its model calls only past an optional deadline) and cancels any backoff wait.
 */
import { abortableDelay, backoffDelay } from '../worker/backoff.js';
import type { WakeSource } from '../model/index.js';
import { compressContext } from './compress.js';
import { compactQueues } from './queue-compaction.js';
import { runBatch } from './run-batch.js';
import { CreateDebouncer } from './task-keys.js';
import type { ManagerEnv, ManagerHost } from './types.js';

export interface ManagerFailure {
  batchId: string;
  error: unknown;
  transient: boolean;
  /** The first failure since the last success (one user-visible message per streak). */
  firstOfStreak: boolean;
  /** Transient: when the next try happens. */
  retryInMs?: number;
}

export interface ManagerLoopOptions {
  env: ManagerEnv;
  host: ManagerHost;
  retry?: { baseMs?: number; maxMs?: number };
  onFailure?: (failure: ManagerFailure) => void | Promise<void>;
}

export class ManagerLoop {
  private wakePending = true; // whatever recovery left pending is looked at first
  private stopping = false;
  private wakeWaiter: (() => void) | undefined;
  private readonly stopSignal = new AbortController();
  private readonly batchAbort = new AbortController();
  private readonly debouncer: CreateDebouncer;
  private loopDone: Promise<void> | undefined;
  private failures = 0;
  private inBatch = false;

  constructor(private readonly options: ManagerLoopOptions) {
    this.debouncer = new CreateDebouncer(() => options.env.config.manager.taskCreate.debounceMs);
  }

  start(): void {
    if (this.stopping) return;
    this.loopDone ??= this.loop().catch((e: unknown) => this.options.env.logger.fatal({ err: e }, 'manager loop crashed'));
  }

  /** A batch runs or a wake is waiting to be looked at. */
  get active(): boolean {
    return this.inBatch || (this.wakePending && !this.stopping && this.loopDone !== undefined);
  }

  wake(source: WakeSource): void {
    this.options.env.logger.debug({ source }, 'manager: wake');
    this.wakePending = true;
    this.wakeWaiter?.();
  }

  /** Resolves once the in-flight batch (if any) is done; past `abortAfterMs` its model calls are aborted. */
  async stop(options: { abortAfterMs?: number } = {}): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    this.wakeWaiter?.();
    const timer = options.abortAfterMs === undefined ? undefined : setTimeout(() => this.batchAbort.abort(), options.abortAfterMs);
    try {
      await this.loopDone;
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private async loop(): Promise<void> {
    const { env, host } = this.options;
    while (!this.stopping) {
      if (!this.wakePending) await new Promise<void>((resolve) => (this.wakeWaiter = resolve));
      this.wakeWaiter = undefined;
      if (this.stopping) break;
      this.wakePending = false;
      this.inBatch = true;
      const outcome = await runBatch(env, host, this.debouncer, this.batchAbort.signal).finally(() => (this.inBatch = false));
      if (outcome.kind === 'idle') continue;
      if (outcome.kind === 'committed') {
        this.failures = 0;
        for (const effect of outcome.effects) {
          if (effect.kind === 'compress') await this.compress();
          else host.runEffect(effect);
        }
        await compactQueues(env, host);
        this.wakePending = true; // look again: more may have arrived meanwhile
        continue;
      }
      if (this.stopping) break;
      this.failures += 1;
      const retryInMs = outcome.transient ? backoffDelay({ maxAttempts: Number.MAX_SAFE_INTEGER, backoffMs: this.options.retry?.baseMs ?? 2_000, maxBackoffMs: this.options.retry?.maxMs ?? 60_000 }, this.failures) : undefined;
      env.logger.warn({ err: outcome.error, batchId: outcome.batchId, transient: outcome.transient, failures: this.failures, retryInMs }, 'manager: batch failed; it stays pending');
      await this.report({ batchId: outcome.batchId, error: outcome.error, transient: outcome.transient, firstOfStreak: this.failures === 1, ...(retryInMs !== undefined ? { retryInMs } : {}) });
      if (retryInMs !== undefined && (await abortableDelay(retryInMs, this.stopSignal.signal))) this.wakePending = true;
    }
  }

  private async report(failure: ManagerFailure): Promise<void> {
    try {
      await this.options.onFailure?.(failure);
    } catch (e) {
      this.options.env.logger.error({ err: e }, 'manager: failure report failed');
    }
  }

  private async compress(): Promise<void> {
    const { env, host } = this.options;
    try {
      if (await compressContext(env, host.state, { signal: this.batchAbort.signal })) await host.saveSnapshot();
    } catch (e) {
      env.logger.warn({ err: e }, 'manager: compress_context failed');
    }
  }
}
