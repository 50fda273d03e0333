/**
 * `task-progress/{taskId}.jsonl`: what a task did, one event per line. Observability, so appends are not
 * fsynced (a lost last event costs nothing); reads skip torn or invalid lines.
 */
import { appendJsonLine } from '../../shared/jsonl.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { progressEventSchema, type ProgressEvent } from '../model/index.js';
import type { StatePaths } from './paths.js';
import { readValidLines, validateForWrite, type CorruptLineHandler } from './validated-jsonl.js';

export interface ProgressStoreOptions {
  clock?: Clock;
  onCorrupt?: CorruptLineHandler;
}

export class ProgressStore {
  private readonly clock: Clock;

  constructor(
    private readonly paths: StatePaths,
    private readonly options: ProgressStoreOptions = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Appends `{taskId, type, createdAt, payload}`; returns the event written. */
  async appendProgress(taskId: string, event: { type: string; payload?: Record<string, unknown> }): Promise<ProgressEvent> {
    const file = this.paths.progressFile(taskId); // validates the id first
    const record = validateForWrite(
      progressEventSchema,
      { taskId, type: event.type, createdAt: new Date(this.clock.now()).toISOString(), payload: event.payload ?? {} },
      `progress event for task ${taskId}`,
    );
    await appendJsonLine(file, record, { fsync: false });
    return record;
  }

  /** The task's events in order (the last `limit` when given). Missing file → []. */
  async readProgress(taskId: string, options: { limit?: number } = {}): Promise<ProgressEvent[]> {
    const out: ProgressEvent[] = [];
    for await (const e of readValidLines(this.paths.progressFile(taskId), progressEventSchema, this.options.onCorrupt)) {
      if (e.taskId !== taskId) continue; // a line copied from another task's file is not this task's
      out.push(e);
    }
    if (options.limit === undefined) return out;
    return options.limit > 0 ? out.slice(-Math.floor(options.limit)) : [];
  }
}
