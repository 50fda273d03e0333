/**
 * The runtime's in-memory state (the write side): the snapshot being mutated, the ids already answered,
 * the accepted inputs not answered yet. Saves go through `saveSnapshot` (atomic, serialized); each captures
 * the state at its call, so a later save always holds a later state.
 */
import type { Logger } from '../../shared/logger.js';
import { isTerminal, type InputMessage, type RuntimeSnapshot, type Task } from '../model/index.js';
import { saveSnapshot, type StatePaths } from '../storage/index.js';

/** Finished tasks kept in the snapshot beyond this many (newest first) are dropped once old; archives stay. */
export const KEEP_FINISHED_TASKS = 500;
export const KEEP_DISABLED_JOBS = 200;
const PRUNE_AGE_MS = 7 * 86_400_000;

export class RuntimeState {
  readonly consumed = new Set<string>();
  private readonly pending = new Map<string, InputMessage>();
  managerRunning = false;

  constructor(
    private readonly paths: StatePaths,
    readonly snapshot: RuntimeSnapshot,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {}

  task(id: string): Task | undefined {
    return this.snapshot.tasks.find((t) => t.id === id);
  }

  /** Accepted inputs not answered yet, in arrival order. */
  get pendingInputs(): InputMessage[] {
    return [...this.pending.values()];
  }

  hasPendingInput(id: string): boolean {
    return this.pending.has(id);
  }

  /** An input is pending unless it was answered meanwhile. */
  addPending(input: InputMessage): boolean {
    if (this.consumed.has(input.id) || this.pending.has(input.id)) return false;
    this.pending.set(input.id, input);
    return true;
  }

  markAnswered(ids: Iterable<string>): void {
    for (const id of ids) {
      this.consumed.add(id);
      this.pending.delete(id);
    }
  }

  /** Whether an input id was ever seen by this runtime (pending or answered): a repeated system input is skipped. */
  knowsInput(id: string): boolean {
    return this.pending.has(id) || this.consumed.has(id);
  }

  async save(): Promise<void> {
    this.prune();
    await saveSnapshot(this.paths, this.snapshot);
  }

  /** Saves, logging instead of throwing (for paths where the next save will do). */
  async saveQuietly(what: string): Promise<void> {
    try {
      await this.save();
    } catch (e) {
      this.logger.error({ err: e, what }, 'cannot save the runtime snapshot');
    }
  }

  private prune(): void {
    const old = this.now() - PRUNE_AGE_MS;
    const finished = this.snapshot.tasks.filter((t) => isTerminal(t.status)).sort((a, b) => (b.completedAt ?? b.createdAt).localeCompare(a.completedAt ?? a.createdAt));
    const drop = new Set(finished.slice(KEEP_FINISHED_TASKS).filter((t) => Date.parse(t.completedAt ?? t.createdAt) < old));
    if (drop.size > 0) this.snapshot.tasks = this.snapshot.tasks.filter((t) => !drop.has(t));
    const disabled = this.snapshot.cronJobs.filter((j) => !j.enabled).sort((a, b) => (b.lastTriggeredAt ?? b.createdAt).localeCompare(a.lastTriggeredAt ?? a.createdAt));
    const dropJobs = new Set(disabled.slice(KEEP_DISABLED_JOBS).filter((j) => Date.parse(j.lastTriggeredAt ?? j.createdAt) < old));
    if (dropJobs.size > 0) this.snapshot.cronJobs = this.snapshot.cronJobs.filter((j) => !dropJobs.has(j));
  }
}
