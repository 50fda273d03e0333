/** The one task-id check for `/api/tasks/:id/*`: a malformed id is a 400, an unknown one a 404. */
import type { Runtime, TaskView } from '../orchestrator/index.js';
import { HttpError } from './errors.js';

export const TASK_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export function validTaskId(params: unknown): string {
  const id = params && typeof params === 'object' ? (params as Record<string, unknown>).id : undefined;
  if (typeof id !== 'string' || !TASK_ID_PATTERN.test(id)) throw new HttpError(400, 'id: must match ^[A-Za-z0-9_-]{1,128}$');
  return id;
}

/** The task (or cron job) with that id, else a 404. */
export function knownTask(runtime: Runtime, params: unknown): TaskView {
  const id = validTaskId(params);
  const task = runtime.task(id);
  if (!task) throw new HttpError(404, `task not found: ${id}`);
  return task;
}

/** Turns `undefined` (the runtime's "unknown id") into a 404. */
export function orNotFound<T>(value: T | undefined, id: string): T {
  if (value === undefined) throw new HttpError(404, `task not found: ${id}`);
  return value;
}
