/** User-visible system messages the runtime writes outside manager batches. */
import { LlmError } from '../llm/types.js';
import { clip, systemMessage, type ManagerFailure } from '../manager/index.js';
import type { HistoryMessage } from '../model/index.js';

const iso = (ms: number) => new Date(ms).toISOString();

export function startupMessage(runtimeId: string, nowMs: number, recovered: { interrupted: number; pendingInputs: number; reappliedBatches: number }): HistoryMessage {
  const notes = [
    recovered.pendingInputs > 0 ? `${recovered.pendingInputs} message${recovered.pendingInputs === 1 ? '' : 's'} waiting for an answer` : '',
    recovered.interrupted > 0 ? `${recovered.interrupted} interrupted task${recovered.interrupted === 1 ? '' : 's'} will run again` : '',
  ].filter((n) => n !== '');
  return systemMessage(`sys-startup-${runtimeId}`, iso(nowMs), 'user', `Started${notes.length > 0 ? ` · ${notes.join(', ')}` : ''}`, 'startup', {
    runtime_id: runtimeId,
    started_at: iso(nowMs),
    interrupted_tasks: recovered.interrupted,
    pending_inputs: recovered.pendingInputs,
    reapplied_batches: recovered.reappliedBatches,
  });
}

export function describeError(error: unknown): string {
  if (error instanceof LlmError) return clip(`${error.kind}: ${error.message}`, 300);
  return clip(error instanceof Error ? error.message : String(error), 300);
}

/** One message per failure streak: what failed and what happens next — never the user's own text. */
export function managerFailureMessage(failure: ManagerFailure, nowMs: number): HistoryMessage {
  const what = describeError(failure.error);
  const summary = failure.transient
    ? `I could not get an answer from the model (${what}). Your message is kept; I will retry automatically.`
    : `The model request failed (${what}). Your message is kept; I will try again when something new arrives.`;
  return systemMessage(`sys-manager-error-${failure.batchId}-${nowMs}`, iso(nowMs), 'user', summary, 'manager_error', {
    batch_id: failure.batchId,
    error: what,
    transient: failure.transient,
    ...(failure.retryInMs !== undefined ? { retry_in_ms: failure.retryInMs } : {}),
  });
}
