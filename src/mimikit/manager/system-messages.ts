/**
 * System messages: `summary + <M:system_event name="…" version="1">JSON</M:system_event>`. The summary is
 * what a person reads; the tag carries the data (the WebUI strips it, the manager reads it). `<`, `>`
 * and `&` in the JSON are escaped so the payload can never close the tag.
 */
import type { HistoryMessage, InputMessage, TaskResult, Visibility } from '../model/index.js';

export function renderSystemEvent(summary: string, name: string, payload: Record<string, unknown>): string {
  const json = JSON.stringify(payload).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
  return `${summary}\n\n<M:system_event name="${name}" version="1">${json}</M:system_event>`;
}

export function systemMessage(id: string, createdAt: string, visibility: Visibility, summary: string, name: string, payload: Record<string, unknown>): HistoryMessage {
  return { id, role: 'system', visibility, createdAt, text: renderSystemEvent(summary, name, payload) };
}

/** The history line of an accepted input (same id: the commit record refers to it). */
export function inputToHistory(input: InputMessage): HistoryMessage {
  const m: HistoryMessage = { id: input.id, role: input.role, text: input.text, createdAt: input.createdAt };
  if (input.quote !== undefined) m.quote = input.quote;
  if (input.role === 'system') m.visibility = input.visibility ?? 'all';
  return m;
}

const RESULT_SUMMARY: Record<TaskResult['status'], string> = { succeeded: 'Task done', failed: 'Task failed', canceled: 'Task canceled' };

/** `sys-result-<resultId>`: what the user sees when the manager consumed a task result. */
export function resultMessage(resultId: string, result: TaskResult, createdAt: string, fallbackTitle: string): HistoryMessage {
  const title = result.title ?? fallbackTitle;
  const by = result.status === 'canceled' && result.cancel?.source === 'user' ? ' by you' : '';
  const name = result.status === 'canceled' ? 'task_canceled' : 'task_completed';
  return systemMessage(`sys-result-${resultId}`, createdAt, 'user', `${RESULT_SUMMARY[result.status]}${by} · ${title}`, name, {
    task_id: result.taskId,
    title,
    status: result.status,
    duration_ms: result.durationMs,
    ...(result.archivePath ? { archive_path: result.archivePath } : {}),
    ...(result.cancel ? { cancel_source: result.cancel.source, ...(result.cancel.reason ? { cancel_reason: result.cancel.reason } : {}) } : {}),
  });
}
