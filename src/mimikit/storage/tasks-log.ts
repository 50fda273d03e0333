/**
 * `tasks/tasks.jsonl`: an append-only log of task transitions, one line each
 * (`{at, taskId, status, title?, attempts?, reason?}`). For audit and debugging; the snapshot is the state.
 */
import { z } from 'zod';
import { appendJsonLine } from '../../shared/jsonl.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { taskStatusSchema } from '../model/index.js';
import type { StatePaths } from './paths.js';
import { readAllValidLines, validateForWrite, type CorruptLineHandler } from './validated-jsonl.js';

export const taskLogEntrySchema = z
  .object({
    at: z.string(),
    taskId: z.string().min(1),
    status: taskStatusSchema,
    title: z.string().optional(),
    attempts: z.number().int().nonnegative().optional(),
    reason: z.string().optional(),
  })
  .strict();
export type TaskLogEntry = z.infer<typeof taskLogEntrySchema>;

export class TaskLog {
  private readonly clock: Clock;

  constructor(
    private readonly paths: StatePaths,
    private readonly options: { clock?: Clock; onCorrupt?: CorruptLineHandler } = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Appends one transition (`at` defaults to now); returns the entry written. */
  async appendTransition(entry: Omit<TaskLogEntry, 'at'> & { at?: string }): Promise<TaskLogEntry> {
    const record = validateForWrite(taskLogEntrySchema, { ...entry, at: entry.at ?? new Date(this.clock.now()).toISOString() }, 'task log entry');
    await appendJsonLine(this.paths.tasksLogFile, record, { fsync: false });
    return record;
  }

  /** Every valid entry in order; torn or invalid lines are skipped and reported. */
  readTaskLog(): Promise<TaskLogEntry[]> {
    return readAllValidLines(this.paths.tasksLogFile, taskLogEntrySchema, this.options.onCorrupt);
  }
}
