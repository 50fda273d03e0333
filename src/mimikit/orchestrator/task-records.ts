/** Task records: the result of an outcome, and a task marked finished from its result. */
import type { Task, TaskResult } from '../model/index.js';
import { clip } from '../manager/index.js';
import type { TaskOutcome } from '../worker/index.js';

/** The output kept on the task (the archive and the result packet hold all of it). */
export const TASK_RESULT_OUTPUT_CHARS = 4_000;

export const resultIdOf = (taskId: string, attempts: number) => `r-${taskId}-${attempts}`;

export function resultOf(task: Task, outcome: TaskOutcome, completedAt: string): TaskResult {
  return {
    taskId: task.id,
    status: outcome.status,
    ok: outcome.status === 'succeeded',
    output: outcome.output,
    durationMs: Math.max(0, Math.round(outcome.durationMs)),
    completedAt,
    attempts: task.attempts,
    title: task.title,
    profile: task.profile,
    ...(outcome.usage ? { usage: outcome.usage } : {}),
    ...(outcome.cancel ? { cancel: outcome.cancel } : {}),
  };
}

export function markFinished(task: Task, result: TaskResult): void {
  task.status = result.status;
  task.completedAt = result.completedAt;
  task.durationMs = result.durationMs;
  task.attempts = Math.max(task.attempts, result.attempts);
  if (result.usage) task.usage = result.usage;
  if (result.archivePath) task.archivePath = result.archivePath;
  if (result.cancel) task.cancel = result.cancel;
  task.result = { ...result, output: clip(result.output, TASK_RESULT_OUTPUT_CHARS) };
}
