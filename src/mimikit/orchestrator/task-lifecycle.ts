/**
 * Tasks: the worker pool wired with the worker prompt, tools, progress and traces; every transition
 * logged to `tasks/tasks.jsonl`. A finished task follows docs/mimikit-design.md §5: archive → result
 * packet (fsync) → task state → snapshot → wake the manager. Stopping interrupts running tasks: they come
 * back `pending` and run again on the next start.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { MimikitConfig } from '../config/index.js';
import type { ChatModel } from '../llm/types.js';
import { isTerminal, type CancelInfo, type ResultPacket, type Task } from '../model/index.js';
import { clientNowIso } from '../manager/index.js';
import { environmentBlock, renderPrompt } from '../prompts/index.js';
import type { PacketQueue, ProgressStore, StatePaths, TaskArchiveStore, TaskLog, TraceWriter } from '../storage/index.js';
import { WorkerPool, canceledOutput, createAttemptRunner, taskSessionId, type TaskOutcome, type WorkerProfile } from '../worker/index.js';
import type { RuntimeState } from './state.js';
import { markFinished, resultIdOf, resultOf } from './task-records.js';
import type { CancelResult } from './views.js';

export interface TaskLifecycleDeps {
  state: RuntimeState;
  paths: StatePaths;
  archives: TaskArchiveStore;
  results: PacketQueue<ResultPacket>;
  progress: ProgressStore;
  traces: TraceWriter;
  taskLog: TaskLog;
  config: MimikitConfig;
  model: ChatModel;
  clock: Clock;
  logger: Logger;
  promptsDir: string;
  /** A task changed (for events and the idle clock). */
  onChanged: (task: Task) => void;
  /** A result packet is durable: wake the manager. */
  onResult: (task: Task) => void;
}

const APPEND_RETRIES = 3;

export class TaskLifecycle {
  private pool: WorkerPool<Task> | undefined;
  private readonly finishing = new Set<string>();
  private readonly cancelRequested = new Set<string>();
  /** Finishes run outside the pool (tasks canceled while not in it). */
  private readonly direct = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly deps: TaskLifecycleDeps) {}

  /** Creates the pool and hands it every pending task (tasks canceled before a crash finish canceled). */
  start(): void {
    if (this.pool || this.stopped) return;
    const { deps } = this;
    const w = deps.config.worker;
    this.pool = new WorkerPool<Task>({
      maxConcurrent: w.maxConcurrent,
      retry: w.retry,
      clock: deps.clock,
      logger: deps.logger,
      runAttempt: createAttemptRunner<Task>({
        model: deps.model,
        dirs: { workDir: deps.paths.root, workspaceDir: deps.paths.workspaceDir, generatedDir: deps.paths.generatedDir },
        maxToolRounds: w.maxToolRounds,
        limits: { shellTimeoutMs: w.shell.timeoutMs, maxOutputBytes: w.shell.maxOutputBytes },
        systemPrompt: () => this.workerPrompt(),
        // Not fsynced: a written line survives the runtime's SIGKILL, and an OS crash leaves no orphan process.
        // A failed write is logged by the runner (and keeps a shell command from running).
        progress: async (taskId, event) => void (await deps.progress.appendProgress(taskId, event)),
        trace: (t) =>
          void deps.traces
            .writeTrace({ timestamp: deps.clock.now() - t.elapsedMs, role: 'worker', attempt: 'normal', model: t.model, taskId: t.taskId, sessionId: taskSessionId(t.taskId), ok: t.ok, elapsedMs: t.elapsedMs, prompt: t.prompt, output: t.output, ...(t.usage ? { usage: t.usage } : {}), ...(t.error ? { error: t.error } : {}) })
            .catch((e: unknown) => deps.logger.warn({ err: e, taskId: t.taskId }, 'cannot write a worker trace')),
        logger: deps.logger,
      }),
      onStart: (task) => this.onStart(task),
      onFinished: (task, outcome) => this.finish(task, outcome),
    });
    const pending = deps.state.snapshot.tasks.filter((t) => t.status === 'pending').sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const task of pending) {
      if (task.cancel) this.cancel(task.id, task.cancel);
      else this.enqueue(task.id);
    }
  }

  enqueue(taskId: string): void {
    const task = this.deps.state.task(taskId);
    if (!task || task.status !== 'pending' || !this.pool) return;
    this.pool.enqueue(task, this.profileOf(task));
  }

  /** Pending → never starts (a canceled result is published); running → aborted (model call, shell trees). */
  cancel(id: string, info: CancelInfo): CancelResult {
    const task = this.deps.state.task(id);
    if (!task) return 'not_found';
    if (isTerminal(task.status)) return task.status === 'canceled' ? 'already_canceled' : 'already_done';
    if (this.cancelRequested.has(id)) return 'already_canceled';
    this.cancelRequested.add(id);
    task.cancel ??= info;
    const where = this.pool?.cancel(id, task.cancel) ?? 'not_found';
    if (where === 'not_found') {
      const outcome: TaskOutcome = { status: 'canceled', output: canceledOutput(task.cancel), attempts: 0, durationMs: 0, cancel: task.cancel };
      const done = this.finish(task, outcome)
        .catch((e: unknown) => this.deps.logger.error({ err: e, taskId: id }, 'cannot finish a canceled task'))
        .finally(() => this.direct.delete(done));
      this.direct.add(done);
    }
    this.deps.onChanged(task);
    return 'canceled';
  }

  get running(): number {
    return this.pool?.stats().running ?? 0;
  }

  /** Interrupts running tasks (they become pending again) and waits for every finishing one. */
  async stop(): Promise<void> {
    this.stopped = true;
    const pool = this.pool;
    if (!pool) return void (await Promise.allSettled([...this.direct]));
    const interrupted = await pool.stop();
    for (const id of interrupted) {
      const task = this.deps.state.task(id);
      if (!task || task.status !== 'running') continue;
      task.status = 'pending';
      delete task.startedAt;
      this.log(task, 'interrupted');
      this.deps.onChanged(task);
    }
    await Promise.allSettled([...this.direct]);
  }

  private async onStart(task: Task): Promise<void> {
    task.status = 'running';
    task.startedAt ??= new Date(this.deps.clock.now()).toISOString();
    task.attempts += 1;
    this.log(task);
    this.deps.onChanged(task);
    await this.deps.state.saveQuietly('task start');
  }

  private async finish(task: Task, outcome: TaskOutcome): Promise<void> {
    if (isTerminal(task.status) || this.finishing.has(task.id)) return;
    this.finishing.add(task.id);
    try {
      const { deps } = this;
      const result = resultOf(task, outcome, new Date(deps.clock.now()).toISOString());
      try {
        result.archivePath = await deps.archives.writeTaskArchive(task, result);
      } catch (e) {
        deps.logger.error({ err: e, taskId: task.id }, 'cannot write the task archive');
      }
      const resultId = resultIdOf(task.id, task.attempts);
      await this.appendResult({ id: resultId, createdAt: result.completedAt, payload: result });
      deps.logger.debug({ taskId: task.id, resultId }, 'task: result appended');
      markFinished(task, result);
      this.log(task, outcome.error);
      deps.onChanged(task);
      await deps.state.saveQuietly('task finished');
      deps.onResult(task);
    } finally {
      this.finishing.delete(task.id);
    }
  }

  private async appendResult(packet: ResultPacket): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deps.results.append(packet);
      } catch (e) {
        if (attempt >= APPEND_RETRIES) throw e;
        this.deps.logger.warn({ err: e, resultId: packet.id, attempt }, 'cannot append a task result; retrying');
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }

  private profileOf(task: Task): WorkerProfile {
    const p = this.deps.config.worker.profiles;
    return task.profile === 'specialist'
      ? { model: p.specialist.model, timeoutMs: p.specialist.timeoutMs, reasoningEffort: p.specialist.modelReasoningEffort }
      : { model: p.standard.model, timeoutMs: p.standard.timeoutMs };
  }

  private workerPrompt(): string {
    const { deps } = this;
    const client = deps.state.snapshot.lastClient;
    const environment = environmentBlock({ workDir: deps.paths.root, clientTimeZone: client?.timeZone, clientNowIso: clientNowIso(client, deps.clock.now()) });
    return renderPrompt('worker/system', { environment }, deps.promptsDir);
  }

  private log(task: Task, reason?: string): void {
    void this.deps.taskLog
      .appendTransition({ taskId: task.id, status: task.status, title: task.title, attempts: task.attempts, ...(reason ? { reason: reason.slice(0, 500) } : {}) })
      .catch((e: unknown) => this.deps.logger.warn({ err: e, taskId: task.id }, 'cannot write the task log'));
  }
}
