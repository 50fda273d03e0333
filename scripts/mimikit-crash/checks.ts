/**
 * The invariants, checked against the raw files after each restart (once the runtime has drained):
 * - every accepted input (acknowledged, or durable in the queue) is answered by exactly one batch;
 * - every task result reaches the manager exactly once (one batch lists it), and a task has one result;
 * - a job gets exactly one task, which finishes; its tool side effect (a line in the workspace) appears
 *   exactly once, and nothing about a finished task changes later (no new line, no new worker call);
 * - the state directory reads (snapshot schema, every JSONL file) and a batch id is never reused.
 * The ledger carries what earlier checks saw: queue compaction removes consumed packets from the files.
 */
import type { WorkDirState } from './inspect.js';

export type ViolationKind =
  | 'input-not-answered-once' | 'result-not-consumed-once' | 'task-finished-twice' | 'job-task-count'
  | 'task-unfinished' | 'side-effect-count' | 'finished-task-ran-again' | 'state-unreadable' | 'batch-id-reused'
  | 'restart-failed' | 'clean-stop-failed';

export interface Violation {
  kind: ViolationKind;
  detail: string;
}

const JOB_PROMPT = /^WORK "([^"]+)"/;
const JOB_INPUT = /^JOB "([^"]+)"/;

export class Ledger {
  /** Input ids acknowledged to the harness or ever seen in the queue file. */
  readonly inputs = new Set<string>();
  /** Result packet id → task id, ever seen. */
  readonly results = new Map<string, string>();
  readonly jobs = new Set<string>();
  /** Job tag → its input id (from the acknowledgement or the queue file). */
  readonly jobInputs = new Map<string, string>();
  /** What a finished job looked like when it was first seen finished. */
  readonly finished = new Map<string, { lines: number; workerCalls: number }>();

  remember(state: WorkDirState): void {
    for (const p of state.inputs) {
      this.inputs.add(p.id);
      const tag = JOB_INPUT.exec(p.payload.text)?.[1];
      if (tag !== undefined) this.jobInputs.set(tag, p.id);
    }
    for (const p of state.results) this.results.set(p.id, p.payload.taskId);
  }
}

export interface Derived {
  /** Input or result id → the distinct batch ids that list it. */
  answeredBy: Map<string, Set<string>>;
  /** Job tag → the task ids created for it. */
  jobTasks: Map<string, string[]>;
  /** Task id → result packet ids. */
  taskResults: Map<string, Set<string>>;
  batchReuse: string[];
}

export function derive(state: WorkDirState, ledger: Ledger): Derived {
  const answeredBy = new Map<string, Set<string>>();
  const jobTasks = new Map<string, string[]>();
  const batches = new Map<string, string>();
  const batchReuse: string[] = [];
  for (const m of state.history) {
    const batch = m.batch;
    if (!batch) continue;
    const key = JSON.stringify(batch);
    const seen = batches.get(batch.id);
    if (seen !== undefined && seen !== key) batchReuse.push(batch.id);
    if (seen !== undefined) continue; // the same reply line twice reads as one
    batches.set(batch.id, key);
    for (const id of [...batch.inputIds, ...batch.resultIds]) {
      const set = answeredBy.get(id) ?? new Set<string>();
      set.add(batch.id);
      answeredBy.set(id, set);
    }
    batch.actions.forEach((action, index) => {
      const tag = action.name === 'create_task' ? JOB_PROMPT.exec(action.attrs.prompt ?? '')?.[1] : undefined;
      if (tag !== undefined) jobTasks.set(tag, [...(jobTasks.get(tag) ?? []), `t-${batch.id}-${index + 1}`]);
    });
  }
  const taskResults = new Map<string, Set<string>>();
  for (const [resultId, taskId] of ledger.results) taskResults.set(taskId, (taskResults.get(taskId) ?? new Set()).add(resultId));
  return { answeredBy, jobTasks, taskResults, batchReuse };
}

/** What is still to do (empty = drained): unanswered inputs, unconsumed results, unfinished job tasks. */
export function outstanding(state: WorkDirState, ledger: Ledger, d: Derived): string[] {
  const out: string[] = [];
  for (const id of ledger.inputs) if (!d.answeredBy.has(id)) out.push(`input ${id} not answered`);
  for (const id of ledger.results.keys()) if (!d.answeredBy.has(id)) out.push(`result ${id} not consumed`);
  for (const [tag, tasks] of d.jobTasks) {
    for (const id of tasks) if (!d.taskResults.has(id)) out.push(`task ${id} (${tag}) has no result`);
  }
  const busy = state.snapshot?.tasks.filter((t) => t.status === 'pending' || t.status === 'running') ?? [];
  for (const t of busy) out.push(`task ${t.id} is ${t.status}`);
  return out;
}

/** `mustBeAnswered`: the inputs known when the runtime was seen drained (later ones may be in flight). */
export function checkInvariants(state: WorkDirState, ledger: Ledger, d: Derived, workerCalls: ReadonlyMap<string, number>, mustBeAnswered: ReadonlySet<string>): Violation[] {
  const v: Violation[] = [];
  for (const p of state.problems) v.push({ kind: 'state-unreadable', detail: p });
  if (!state.snapshot) v.push({ kind: 'state-unreadable', detail: 'no runtime-snapshot.json' });
  for (const id of d.batchReuse) v.push({ kind: 'batch-id-reused', detail: `batch ${id} has two different records` });
  for (const id of mustBeAnswered) {
    const n = d.answeredBy.get(id)?.size ?? 0;
    if (n !== 1) v.push({ kind: 'input-not-answered-once', detail: `input ${id} answered by ${n} batches` });
  }
  for (const [id, batches] of d.answeredBy) {
    if (batches.size > 1) v.push({ kind: id.startsWith('r-') ? 'result-not-consumed-once' : 'input-not-answered-once', detail: `${id} listed by batches ${[...batches].join(', ')}` });
  }
  for (const id of ledger.results.keys()) {
    if (!d.answeredBy.has(id) && mustBeAnswered.has(id)) v.push({ kind: 'result-not-consumed-once', detail: `result ${id} never reached the manager` });
  }
  for (const [taskId, results] of d.taskResults) {
    if (results.size > 1) v.push({ kind: 'task-finished-twice', detail: `task ${taskId} has results ${[...results].join(', ')}` });
  }
  for (const tag of ledger.jobs) {
    const tasks = d.jobTasks.get(tag) ?? [];
    const inputId = ledger.jobInputs.get(tag);
    if (tasks.length > 1 || (tasks.length === 0 && inputId !== undefined && d.answeredBy.has(inputId))) {
      v.push({ kind: 'job-task-count', detail: `job ${tag} (input ${inputId ?? '?'}) got ${tasks.length} tasks: ${tasks.join(', ')}` });
    }
    const task = tasks[0];
    if (task === undefined) continue;
    if (!d.taskResults.has(task)) {
      v.push({ kind: 'task-unfinished', detail: `task ${task} (${tag}) has no result` });
      continue;
    }
    const lines = state.sideEffects.get(tag) ?? 0;
    const calls = workerCalls.get(tag) ?? 0;
    if (lines !== 1) v.push({ kind: 'side-effect-count', detail: `job ${tag}: ${lines} side-effect lines` });
    const before = ledger.finished.get(tag);
    if (before && (before.lines !== lines || before.workerCalls !== calls)) {
      v.push({ kind: 'finished-task-ran-again', detail: `job ${tag} (task ${task}): lines ${before.lines} → ${lines}, worker calls ${before.workerCalls} → ${calls}` });
    }
    if (!before) ledger.finished.set(tag, { lines, workerCalls: calls });
  }
  return v;
}
