/**
 * The commit of a batch (docs/mimikit-design.md §2–3):
 * 1. ONE history append: the inputs (ids = input ids), the consumed results' messages, a note if actions
 *    were dropped, and LAST the agent reply carrying the batch record — a torn write loses the reply, and
 *    the batch simply runs again;
 * 2. the record's actions applied with deterministic ids, and their messages appended;
 * 3. the snapshot with advanced cursors and `lastBatchId`.
 * Effects (starting tasks, restart…) are returned for the caller to run only after all of it.
 */
import { loadTemplate } from '../prompts/index.js';
import type { BatchRecord, HistoryMessage } from '../model/index.js';
import { applyBatchRecord } from './apply-actions.js';
import type { RoundsOutcome } from './correction-rounds.js';
import type { PlannedActions } from './plan-actions.js';
import { inputToHistory, resultMessage, systemMessage } from './system-messages.js';
import { iso } from './text.js';
import type { Batch, ManagerEnv, ManagerHost, PostCommitEffect } from './types.js';

export interface CommitInput {
  batch: Batch;
  outcome: RoundsOutcome;
  planned: PlannedActions;
  elapsedMs: number;
  /** The client's time zone (cron jobs created by this batch use it). */
  timeZone?: string | undefined;
}

export const replyIdOf = (batchId: string) => `agent-${batchId}`;

export async function commitBatch(env: ManagerEnv, host: ManagerHost, input: CommitInput): Promise<PostCommitEffect[]> {
  const { batch, outcome, planned } = input;
  const now = env.clock.now();
  const createdAt = iso(now);
  const record: BatchRecord = {
    id: batch.id,
    inputIds: batch.inputs.map((p) => p.id),
    resultIds: batch.results.map((p) => p.id),
    actions: planned.record,
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
  };
  const reply: HistoryMessage = {
    id: replyIdOf(batch.id),
    role: 'agent',
    text: replyText(env, outcome.text, record.actions.length > 0 || batch.inputs.some((p) => p.payload.role === 'user')),
    createdAt,
    elapsedMs: Math.max(0, Math.round(input.elapsedMs)),
    ...(outcome.usage ? { usage: outcome.usage } : {}),
    batch: record,
  };
  const lines: HistoryMessage[] = [
    ...batch.inputs.map((p) => inputToHistory(p.payload)),
    ...batch.results.map((p) => resultMessage(p.id, p.payload, createdAt, host.state.tasks.find((t) => t.id === p.payload.taskId)?.title ?? p.payload.taskId)),
    ...(outcome.droppedNote ? [systemMessage(`sys-${batch.id}-dropped`, createdAt, 'user', outcome.droppedNote, 'actions_dropped', { batch_id: batch.id })] : []),
    reply,
  ];
  try {
    await env.history.appendBatch(lines, new Date(now));
  } catch (e) {
    // The write may have landed before the error (e.g. fsync failed): then the batch IS committed.
    if (!(await replyExists(env, batch.id, now))) throw e;
    env.logger.warn({ err: e, batchId: batch.id }, 'manager: history append reported an error but the reply is there');
  }
  env.logger.debug({ batchId: batch.id }, 'manager: reply appended');
  // Committed: from here on nothing may answer these packets again, nor reuse this batch id.
  for (const id of [...record.inputIds, ...record.resultIds]) host.consumed.add(id);
  host.state.managerTurn = Math.max(host.state.managerTurn, batch.number);
  host.onMessages(lines);
  host.stream({ kind: 'end', id: outcome.streamId, reason: 'committed', messageId: reply.id });

  const applied = await applyBatchRecord(record, { state: host.state, persona: env.persona, createdAt, recovering: false, logger: env.logger });
  if (applied.messages.length > 0) {
    try {
      await env.history.appendBatch(applied.messages, new Date(now));
      host.onMessages(applied.messages);
    } catch (e) {
      env.logger.error({ err: e, batchId: batch.id }, 'manager: cannot append the action messages');
    }
  }
  const { queues } = host.state;
  queues.inputsCursor = batch.inputsEnd;
  queues.resultsCursor = batch.resultsEnd;
  host.state.lastBatchId = batch.id;
  try {
    await host.saveSnapshot();
  } catch (e) {
    env.logger.error({ err: e, batchId: batch.id }, 'manager: cannot save the snapshot after a commit (recovery will re-apply the batch)');
  }
  host.onCommitted({ inputIds: record.inputIds, resultIds: record.resultIds, changedTaskIds: applied.changedTaskIds, wake: batch.wake });
  return applied.effects;
}

/** The visible reply; a reply without text gets the fallback line when the user expects an answer. */
function replyText(env: ManagerEnv, text: string, needsAnswer: boolean): string {
  const trimmed = text.trim();
  if (trimmed !== '' || !needsAnswer) return trimmed;
  return loadTemplate('manager/fallback-reply', env.promptsDir).trim();
}

async function replyExists(env: ManagerEnv, batchId: string, nowMs: number): Promise<boolean> {
  try {
    return (await env.history.findByIds([replyIdOf(batchId)], new Date(nowMs - 86_400_000))).size > 0;
  } catch {
    return false;
  }
}
