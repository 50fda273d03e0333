/**
 * From validated actions to the batch record's action list. Decisions that depend on memory (debounce)
 * or on the moment (duplicates of active work) are taken HERE, before the commit, so the record holds
 * exactly what is applied — and re-applying it after a crash gives the same result.
 */
import { isTerminal, type BatchRecord, type RuntimeSnapshot } from '../model/index.js';
import type { ManagerAction } from '../actions/index.js';
import { debounceKey, taskFingerprint, type CreateDebouncer, type TaskRequest } from './task-keys.js';
import type { Batch } from './types.js';

export interface PlannedActions {
  record: BatchRecord['actions'];
  /** Debounce keys of the accepted create_task actions (remembered once the batch is committed). */
  debounceKeys: string[];
  dropped: Array<{ action: string; reason: string }>;
}

export interface PlanContext {
  state: RuntimeSnapshot;
  debouncer: CreateDebouncer;
  nowMs: number;
  batch: Pick<Batch, 'inputs' | 'results'>;
}

export function planActions(actions: readonly ManagerAction[], ctx: PlanContext): PlannedActions {
  const out: PlannedActions = { record: [], debounceKeys: [], dropped: [] };
  // Within one reply only exact repeats are dropped: "chapter 1" and "chapter 2" asked together are two
  // tasks. The looser debounce key is for a model repeating itself across batches.
  const fingerprintsThisBatch = new Set<string>();
  const active = new Set(ctx.state.tasks.filter((t) => !isTerminal(t.status)).map((t) => t.fingerprint));
  const scheduled = new Set(ctx.state.cronJobs.filter((j) => j.enabled).map((j) => taskFingerprint(j)));
  const userCanceled = userCanceledFingerprints(ctx);
  for (const action of actions) {
    if (action.name === 'query_history') continue; // answered in a round, never committed
    if (action.name === 'create_task') {
      const request: TaskRequest = action;
      const fingerprint = taskFingerprint(request);
      const key = debounceKey(request);
      const reason = fingerprintsThisBatch.has(fingerprint) || ctx.debouncer.isRecent(key, ctx.nowMs)
        ? 'repeats a task created moments ago'
        : active.has(fingerprint)
          ? 'the same task is already pending or running'
          : scheduled.has(fingerprint)
            ? 'the same scheduled task already exists'
            : userCanceled.has(fingerprint)
              ? 'the user just canceled this task'
              : undefined;
      if (reason !== undefined) {
        out.dropped.push({ action: action.raw, reason });
        continue;
      }
      fingerprintsThisBatch.add(fingerprint);
      out.debounceKeys.push(key);
    }
    out.record.push({ name: action.name, attrs: action.attrs });
  }
  return out;
}

/** Tasks the user canceled, reported in this batch without a new user message: not to be recreated. */
function userCanceledFingerprints(ctx: PlanContext): Set<string> {
  if (ctx.batch.inputs.some((p) => p.payload.role === 'user')) return new Set();
  const ids = new Set(ctx.batch.results.filter((r) => r.payload.status === 'canceled' && r.payload.cancel?.source === 'user').map((r) => r.payload.taskId));
  return new Set(ctx.state.tasks.filter((t) => ids.has(t.id)).map((t) => t.fingerprint));
}
