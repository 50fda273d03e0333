/**
 * The Runtime: opens the state directory (recovery before anything is served), runs the manager loop,
 * the worker pool and the cron/idle loops, and is the one write side behind the HTTP API.
 * Lifecycle: `open()` (not running) → `start()` → `stop()` (idempotent; waits for the in-flight batch).
 */
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { MimikitConfig } from '../config/index.js';
import type { ChatModel } from '../llm/types.js';
import { systemMessage, type ManagerLoop } from '../manager/index.js';
import { SNAPSHOT_VERSION, type HistoryMessage, type InputMessage, type ProgressEvent, type RuntimeSnapshot } from '../model/index.js';
import { PROMPTS_DIR } from '../prompts/index.js';
import { StatePaths, createRuntimeLogger, loadSnapshot, type RuntimeLogger } from '../storage/index.js';
import { EventBus } from './events.js';
import { ExitSignal } from './exit-signal.js';
import { acceptUserInput, InputRejectedError } from './inputs.js';
import type { Publisher } from './publisher.js';
import type { ReadModel } from './read-model.js';
import { recover, type RecoveryReport } from './recovery.js';
import type { Scheduling } from './scheduling.js';
import { RuntimeState } from './state.js';
import { createStores, type RuntimeStores } from './stores.js';
import type { TaskLifecycle } from './task-lifecycle.js';
import { startupMessage } from './notices.js';
import { wireRuntime } from './wiring.js';
import type { AddInputRequest, CancelResult, ChatMessageView, ExitReason, RuntimeStatus, TaskView } from './views.js';

export interface RuntimeOptions {
  /** Absolute path of the state directory (created if missing). */
  workDir: string;
  config: MimikitConfig;
  model: ChatModel;
  clock?: Clock;
  /** Default: `log.jsonl` in the work dir (closed by `stop()`). */
  logger?: Logger;
  promptsDir?: string;
  /** Manager retry backoff after a transient failure (default 2 s doubling to 60 s). */
  managerRetry?: { baseMs?: number; maxMs?: number };
  /** How long `stop()` lets the in-flight batch run before aborting its model call (default 120 s). */
  stopBatchTimeoutMs?: number;
}

export { InputRejectedError };

export class Runtime {
  readonly runtimeId = randomUUID();
  readonly events: EventBus;
  readonly workDir: string;
  readonly recovery: RecoveryReport;
  private readonly read: ReadModel;
  private readonly publish: Publisher;
  private readonly lifecycle: TaskLifecycle;
  private readonly manager: ManagerLoop;
  private readonly scheduling: Scheduling;
  private readonly exit: ExitSignal;
  private started = false;
  private accepting = true;
  private stopping: Promise<void> | undefined;
  /** A started runtime keeps its process alive (its own timers are unref'd) until it is stopped. */
  private keepAlive: NodeJS.Timeout | undefined;

  static async open(options: RuntimeOptions): Promise<Runtime> {
    const paths = new StatePaths(options.workDir);
    await paths.ensureLayout();
    const clock = options.clock ?? systemClock;
    const ownLog = options.logger ? undefined : createRuntimeLogger(paths);
    const logger = options.logger ?? (ownLog as RuntimeLogger).logger;
    try {
      const stores = createStores(paths, clock, logger);
      const init = (): RuntimeSnapshot => ({ version: SNAPSHOT_VERSION, queues: { inputsCursor: 0, resultsCursor: 0 }, managerTurn: 0, managerSessionId: `mimikit-manager-${randomUUID()}`, tasks: [], cronJobs: [] });
      const snapshot = await loadSnapshot(paths, init, { onBackupUsed: (i) => logger.warn(i, 'runtime snapshot unreadable; restored from .bak') });
      const state = new RuntimeState(paths, snapshot, logger, () => clock.now());
      const report = await recover(state, { ...stores, logger });
      logger.info({ ...report, messages: report.messages.length }, 'runtime recovered');
      return new Runtime(options, stores, state, report, clock, logger, ownLog);
    } catch (e) {
      await ownLog?.close();
      throw e;
    }
  }

  private constructor(
    private readonly options: RuntimeOptions,
    private readonly stores: RuntimeStores,
    private readonly state: RuntimeState,
    report: RecoveryReport,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly ownLog: RuntimeLogger | undefined,
  ) {
    this.workDir = stores.paths.root;
    this.recovery = report;
    this.events = new EventBus({ clock, logger });
    this.exit = new ExitSignal(logger);
    const parts = wireRuntime({
      runtimeId: this.runtimeId, stores, state, events: this.events, config: options.config, model: options.model, clock, logger,
      promptsDir: options.promptsDir ?? PROMPTS_DIR, managerRetry: options.managerRetry,
      appendInput: (input) => this.appendInput(input),
      appendNotice: (message) => this.appendNotice(message),
      requestExit: (reason) => this.requestExit(reason),
    });
    ({ read: this.read, publish: this.publish, lifecycle: this.lifecycle, manager: this.manager, scheduling: this.scheduling } = parts);
  }

  /** Workers get every pending task; manager, cron and idle loops start; a `startup` message is shown. */
  async start(): Promise<void> {
    if (this.started || this.stopping) return;
    this.started = true;
    this.keepAlive = setInterval(() => undefined, 3_600_000);
    const r = this.recovery;
    await this.appendNotice(startupMessage(this.runtimeId, this.clock.now(), { interrupted: r.interrupted.length, pendingInputs: r.pendingInputs, reappliedBatches: r.reappliedBatches.length }));
    if (this.stopping) return; // stop() came first: nothing may start after it
    this.lifecycle.start();
    this.manager.start();
    this.scheduling.idle.start(this.clock.now());
    await this.scheduling.cron.start();
    this.publish.status();
    this.logger.info({ runtimeId: this.runtimeId, workDir: this.workDir }, 'runtime started');
  }

  /** Stops accepting work, waits for the in-flight batch, stops the loops and the workers (running tasks come back pending), persists. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.accepting = false;
    await this.scheduling.cron.stop();
    await this.scheduling.idle.stop();
    await this.manager.stop({ abortAfterMs: this.options.stopBatchTimeoutMs ?? 120_000 });
    await this.lifecycle.stop();
    await this.state.saveQuietly('stop');
    this.publish.status();
    this.logger.info({ runtimeId: this.runtimeId }, 'runtime stopped');
    clearInterval(this.keepAlive);
    await this.ownLog?.close();
  }

  /** Durable: resolves after the fsynced append. Throws `InputRejectedError` for bad input or once stopping. */
  async addInput(request: AddInputRequest): Promise<{ id: string }> {
    if (!this.accepting) throw new InputRejectedError('the runtime is stopping', 'stopping');
    const input = await acceptUserInput(this.stores.inputs, request, this.clock.now());
    if (input.client) this.state.snapshot.lastClient = { ...input.client, receivedAt: input.createdAt };
    this.admit(input);
    this.scheduling.idle.noteActivity();
    return { id: input.id };
  }

  status(): RuntimeStatus {
    return this.read.status();
  }

  messages(options: { limit?: number } = {}): Promise<ChatMessageView[]> {
    return this.read.messages(options.limit);
  }

  tasks(options: { limit?: number } = {}): TaskView[] {
    return this.read.tasks(options.limit);
  }

  task(id: string): TaskView | undefined {
    return this.read.view(id);
  }

  /** Tasks: pending never start, running are aborted. Cron job ids: disabled. */
  async cancelTask(id: string, source: 'user' | 'manager'): Promise<CancelResult> {
    if (this.state.task(id)) return this.lifecycle.cancel(id, { source });
    return (await this.scheduling.cancelJob(id, source)) ?? 'not_found';
  }

  taskArchive(id: string): Promise<string | undefined> {
    return this.read.taskArchive(id);
  }

  taskProgress(id: string): Promise<ProgressEvent[] | undefined> {
    return this.read.taskProgress(id);
  }

  /** A user-visible system message outside any batch (e.g. the CLI's "no model provider configured"). */
  async notify(name: string, summary: string, payload: Record<string, unknown> = {}): Promise<void> {
    await this.appendNotice(systemMessage(`sys-${name}-${this.runtimeId}`, new Date(this.clock.now()).toISOString(), 'user', summary, name, payload));
  }

  onExit(listener: (reason: ExitReason) => void): () => void {
    return this.exit.on(listener);
  }

  /** Asks the owner (the CLI) to restart or reset; the first request wins. */
  requestExit(reason: ExitReason): void {
    this.exit.request(reason);
  }

  private admit(input: InputMessage): void {
    if (this.state.addPending(input)) this.publish.input(input);
    this.publish.status();
    this.manager.wake(input.wake);
  }

  /** A system input (cron, idle): skipped when this id was seen before. */
  private async appendInput(input: InputMessage): Promise<'appended' | 'known' | 'stopped'> {
    if (!this.accepting) return 'stopped';
    if (this.state.knowsInput(input.id)) return 'known';
    await this.stores.inputs.append({ id: input.id, createdAt: input.createdAt, payload: input });
    this.admit(input);
    return 'appended';
  }

  private async appendNotice(message: HistoryMessage): Promise<void> {
    try {
      await this.stores.history.appendBatch([message], new Date(this.clock.now()));
      this.publish.messages([message]);
    } catch (e) {
      this.logger.error({ err: e, id: message.id }, 'cannot append a system message');
    }
  }
}
