/**
 * `M:tasks`: the most recently changed tasks (at least `minCount`, at most `maxCount`, no more past
 * `minCount` once the list holds `maxBytes` of YAML) plus every enabled scheduled task.
 */
import { yamlBlock } from '../prompts/index.js';
import type { CronJob, RuntimeSnapshot, Task } from '../model/index.js';
import { clip } from './text.js';

export interface TaskWindowConfig {
  minCount: number;
  maxCount: number;
  maxBytes: number;
}

export function taskChangedAt(task: Task): string {
  return task.completedAt ?? task.startedAt ?? task.createdAt;
}

function taskItem(t: Task): Record<string, unknown> {
  return {
    id: t.id,
    status: t.status,
    title: t.title,
    profile: t.profile,
    created_at: t.createdAt,
    changed_at: taskChangedAt(t),
    prompt: clip(t.prompt, 200),
    cancel: t.cancel ? t.cancel.source : undefined,
    result: t.result ? clip(t.result.output, 300) : undefined,
  };
}

function jobItem(j: CronJob): Record<string, unknown> {
  return {
    id: j.id,
    type: j.cron !== undefined ? 'cron' : 'scheduled',
    title: j.title,
    cron: j.cron,
    scheduled_at: j.scheduledAt,
    time_zone: j.timeZone,
    profile: j.profile,
    last_triggered_at: j.lastTriggeredAt,
    prompt: clip(j.prompt, 200),
  };
}

export function selectTaskWindow(tasks: readonly Task[], config: TaskWindowConfig): Task[] {
  const sorted = [...tasks].sort((a, b) => taskChangedAt(b).localeCompare(taskChangedAt(a)));
  const out: Task[] = [];
  let bytes = 0;
  for (const task of sorted) {
    if (out.length >= config.maxCount) break;
    const size = Buffer.byteLength(JSON.stringify(taskItem(task)));
    if (out.length >= config.minCount && bytes + size > config.maxBytes) break;
    out.push(task);
    bytes += size;
  }
  return out;
}

export function tasksBlock(state: Pick<RuntimeSnapshot, 'tasks' | 'cronJobs'>, config: TaskWindowConfig): string {
  const tasks = selectTaskWindow(state.tasks, config).map(taskItem);
  const scheduled = state.cronJobs.filter((j) => j.enabled).slice(-50).map(jobItem);
  return yamlBlock('tasks', { tasks, scheduled });
}
