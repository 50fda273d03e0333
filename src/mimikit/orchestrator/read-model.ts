/** The read side: status, chat messages, task views, archives and progress, built from the state and the stores. */
import YAML from 'yaml';
import { isTerminal, visibleToUser, type CronJob, type ProgressEvent, type Task } from '../model/index.js';
import { taskChangedAt } from '../manager/index.js';
import { nextFire } from '../scheduler/index.js';
import { liveArchive, type HistoryStore, type ProgressStore, type TaskArchiveStore } from '../storage/index.js';
import type { RuntimeState } from './state.js';
import { toChatMessage, type ChatMessageView, type RuntimeStatus, type TaskCounts, type TaskView } from './views.js';

export interface ReadModelDeps {
  state: RuntimeState;
  history: HistoryStore;
  archives: TaskArchiveStore;
  progress: ProgressStore;
  runtimeId: string;
  startedAt: string;
  maxWorkers: number;
  now: () => number;
}

const clamp = (value: number | undefined, fallback: number, max: number) =>
  value === undefined || !Number.isFinite(value) || value < 1 ? fallback : Math.min(max, Math.floor(value));

export class ReadModel {
  constructor(private readonly deps: ReadModelDeps) {}

  status(): RuntimeStatus {
    const tasks: TaskCounts = { pending: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 };
    for (const t of this.deps.state.snapshot.tasks) tasks[t.status]++;
    const managerRunning = this.deps.state.managerRunning;
    return {
      runtimeId: this.deps.runtimeId,
      agentStatus: managerRunning || tasks.running > 0 ? 'running' : 'idle',
      managerRunning,
      pendingInputs: this.deps.state.pendingInputs.length,
      tasks,
      maxWorkers: this.deps.maxWorkers,
      startedAt: this.deps.startedAt,
    };
  }

  /** What the user sees, newest last: history (minus empty commit-only replies) then the inputs not answered yet. */
  async messages(limit?: number): Promise<ChatMessageView[]> {
    const max = clamp(limit, 50, 1_000);
    const pending = this.deps.state.pendingInputs.filter((m) => visibleToUser(m) && !this.deps.state.consumed.has(m.id)).slice(-max);
    const history = await this.deps.history.readRecent({
      limit: max - pending.length,
      filter: (m) => visibleToUser(m) && !(m.role === 'agent' && m.text.trim() === ''),
    });
    const shown = new Set(history.map((m) => m.id));
    return [
      ...history.reverse().map(toChatMessage),
      ...pending.filter((m) => !shown.has(m.id)).map((m): ChatMessageView => ({ ...toChatMessage({ id: m.id, role: m.role, text: m.text, createdAt: m.createdAt, ...(m.quote ? { quote: m.quote } : {}), ...(m.role === 'system' ? { visibility: m.visibility ?? 'all' } : {}) }), pending: true })),
    ];
  }

  /** Tasks and scheduled tasks, newest first. */
  tasks(limit?: number): TaskView[] {
    const { tasks, cronJobs } = this.deps.state.snapshot;
    const views = [...tasks.map((t) => this.taskView(t)), ...cronJobs.map((j) => this.cronView(j))];
    return views.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id)).slice(0, clamp(limit, 200, 1_000));
  }

  view(id: string): TaskView | undefined {
    const task = this.deps.state.task(id);
    if (task) return this.taskView(task);
    const job = this.deps.state.snapshot.cronJobs.find((j) => j.id === id);
    return job ? this.cronView(job) : undefined;
  }

  taskView(t: Task): TaskView {
    return {
      id: t.id, kind: 'task', status: t.status, profile: t.profile, title: t.title, prompt: t.prompt, createdAt: t.createdAt, changedAt: taskChangedAt(t),
      ...(t.startedAt ? { startedAt: t.startedAt } : {}), ...(t.completedAt ? { completedAt: t.completedAt } : {}),
      ...(t.durationMs !== undefined ? { durationMs: t.durationMs } : {}), attempts: t.attempts,
      ...(t.usage ? { usage: t.usage } : {}), ...(t.archivePath ? { archivePath: t.archivePath } : {}), ...(t.cancel ? { cancel: t.cancel } : {}),
    };
  }

  cronView(j: CronJob): TaskView {
    const status = j.enabled ? 'pending' : j.disabledReason === 'canceled' ? 'canceled' : j.disabledReason === 'invalid' ? 'failed' : 'succeeded';
    let next: number | undefined;
    try {
      next = nextFire(j, this.deps.now());
    } catch {
      next = undefined;
    }
    return {
      id: j.id, kind: 'cron', status, profile: j.profile, title: j.title, prompt: j.prompt, createdAt: j.createdAt, changedAt: j.lastTriggeredAt ?? j.createdAt,
      schedule: {
        enabled: j.enabled,
        ...(j.cron !== undefined ? { cron: j.cron } : {}), ...(j.scheduledAt !== undefined ? { scheduledAt: j.scheduledAt } : {}),
        ...(j.timeZone ? { timeZone: j.timeZone } : {}), ...(j.disabledReason ? { disabledReason: j.disabledReason } : {}),
        ...(j.lastTriggeredAt ? { lastTriggeredAt: j.lastTriggeredAt } : {}), ...(next !== undefined ? { nextRunAt: new Date(next).toISOString() } : {}),
        ...(j.catchUps ? { catchUps: j.catchUps } : {}),
      },
    };
  }

  /** The archive markdown; the live document while unfinished (or when the file is gone); undefined for an unknown id. */
  async taskArchive(id: string): Promise<string | undefined> {
    const task = this.deps.state.task(id);
    if (task) {
      if (isTerminal(task.status) && task.archivePath) {
        const archive = await this.deps.archives.readTaskArchive(task.archivePath).catch(() => undefined);
        if (archive && archive.text.trim() !== '') return archive.text;
      }
      return liveArchive(task);
    }
    const job = this.deps.state.snapshot.cronJobs.find((j) => j.id === id);
    if (!job) return undefined;
    const meta = { kind: 'cron', task_id: job.id, title: job.title, profile: job.profile, cron: job.cron, scheduled_at: job.scheduledAt, time_zone: job.timeZone, enabled: job.enabled, disabled_reason: job.disabledReason, created_at: job.createdAt, last_triggered_at: job.lastTriggeredAt };
    const front = YAML.stringify(Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined)));
    return `---\n${front}---\n=== PROMPT ===\n${job.prompt}\n`;
  }

  /** Undefined for an id that is not a task. */
  async taskProgress(id: string): Promise<ProgressEvent[] | undefined> {
    if (!this.deps.state.task(id)) return undefined;
    return this.deps.progress.readProgress(id);
  }
}
