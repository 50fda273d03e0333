/**
 * Start-up recovery (docs/mimikit-design.md §4–5), before anything is served:
 * - inputs and results past the cursors are read again;
 * - the history is scanned (from the day of the oldest such packet) for agent replies: a reply whose
 *   batch is newer than `lastBatchId` is re-applied (idempotent), and every reply's inputs/results count
 *   as answered — an input is answered exactly once because its id is in exactly one reply;
 * - the cursors advance over the answered prefix;
 * - every result packet marks its task finished (a finished task never runs again); a task still
 *   `running` comes back `pending` (interrupted);
 * - the shell process groups an unfinished task left running are killed (`orphan-processes.ts`), so its
 *   re-run does not run beside them.
 */
import type { Logger } from '../../shared/logger.js';
import { isTerminal, type HistoryMessage, type InputPacket, type ResultPacket } from '../model/index.js';
import { applyBatchRecord, batchNumber, type ApplyOutcome } from '../manager/index.js';
import type { HistoryStore, PacketQueue, PersonaStore, ProgressStore, TaskLog } from '../storage/index.js';
import { killOrphanedToolProcesses, type KilledProcessGroup } from './orphan-processes.js';
import { markFinished } from './task-records.js';
import type { RuntimeState } from './state.js';

export interface RecoveryStores {
  history: HistoryStore;
  inputs: PacketQueue<InputPacket>;
  results: PacketQueue<ResultPacket>;
  persona: PersonaStore;
  taskLog: TaskLog;
  progress: ProgressStore;
  logger: Logger;
}

export interface RecoveryReport {
  reappliedBatches: string[];
  finishedFromResults: string[];
  interrupted: string[];
  pendingInputs: number;
  /** Process groups of unfinished tasks that outlived the previous runtime, killed. */
  killedProcessGroups: KilledProcessGroup[];
  /** Messages recovery appended (actions of re-applied batches). */
  messages: HistoryMessage[];
}

const DAY_MS = 86_400_000;

export async function recover(state: RuntimeState, stores: RecoveryStores): Promise<RecoveryReport> {
  const snap = state.snapshot;
  const report: RecoveryReport = { reappliedBatches: [], finishedFromResults: [], interrupted: [], pendingInputs: 0, killedProcessGroups: [], messages: [] };
  const inRead = await stores.inputs.readFrom(snap.queues.inputsCursor);
  const resRead = await stores.results.readFrom(snap.queues.resultsCursor);
  snap.queues.inputsCursor = inRead.cursor;
  snap.queues.resultsCursor = resRead.cursor;

  const pending = [...inRead.packets, ...resRead.packets];
  if (pending.length > 0) {
    const oldest = Math.min(...pending.map((p) => Date.parse(p.createdAt)).map((ms) => (Number.isNaN(ms) ? 0 : ms)));
    const replies: HistoryMessage[] = [];
    for await (const m of stores.history.scanFrom(oldest > DAY_MS ? new Date(oldest - DAY_MS) : undefined)) {
      if (!m.batch) continue;
      for (const id of [...m.batch.inputIds, ...m.batch.resultIds]) state.consumed.add(id);
      if (batchNumber(m.batch.id) > batchNumber(snap.lastBatchId)) replies.push(m);
    }
    replies.sort((a, b) => batchNumber(a.batch?.id) - batchNumber(b.batch?.id));
    for (const reply of replies) {
      const record = reply.batch;
      if (!record) continue;
      const applied: ApplyOutcome = await applyBatchRecord(record, { state: snap, persona: stores.persona, createdAt: reply.createdAt, recovering: true, logger: stores.logger });
      if (applied.messages.length > 0) {
        await stores.history.appendBatch(applied.messages, new Date(reply.createdAt));
        report.messages.push(...applied.messages);
      }
      snap.managerTurn = Math.max(snap.managerTurn, batchNumber(record.id));
      snap.lastBatchId = record.id;
      report.reappliedBatches.push(record.id);
    }
    snap.queues.inputsCursor += answeredPrefix(inRead.packets, state.consumed);
    snap.queues.resultsCursor += answeredPrefix(resRead.packets, state.consumed);
  }

  for (const packet of resRead.packets) {
    const task = state.task(packet.payload.taskId);
    if (!task || isTerminal(task.status)) continue;
    markFinished(task, packet.payload);
    report.finishedFromResults.push(task.id);
    void stores.taskLog.appendTransition({ taskId: task.id, status: task.status, title: task.title, attempts: task.attempts, reason: 'recovered from its result' }).catch(() => undefined);
  }
  for (const task of snap.tasks) {
    if (task.status !== 'running') continue;
    task.status = 'pending';
    delete task.startedAt;
    report.interrupted.push(task.id);
    void stores.taskLog.appendTransition({ taskId: task.id, status: 'pending', title: task.title, attempts: task.attempts, reason: 'interrupted' }).catch(() => undefined);
  }
  // Pending ones too: a `running` snapshot may have failed to save (it is saved quietly) before the attempt began.
  const unfinished = snap.tasks.filter((t) => !isTerminal(t.status)).map((t) => t.id);
  report.killedProcessGroups = await killOrphanedToolProcesses(unfinished, stores.progress, stores.logger);
  for (const packet of inRead.packets) if (state.addPending(packet.payload)) report.pendingInputs++;
  await state.save();
  return report;
}

function answeredPrefix(packets: ReadonlyArray<{ id: string }>, consumed: ReadonlySet<string>): number {
  let n = 0;
  while (n < packets.length && consumed.has((packets[n] as { id: string }).id)) n++;
  return n;
}
