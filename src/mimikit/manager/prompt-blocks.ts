/** The batch's data blocks: `M:inputs`, `M:results`, `M:recent_history`, `M:history_lookup`. */
import { yamlBlock } from '../prompts/index.js';
import type { HistoryMessage, InputPacket, ResultPacket, Task } from '../model/index.js';
import type { HistoryHit } from '../storage/index.js';
import { clip } from './text.js';

export const RESULT_OUTPUT_CHARS = 3_000;
export const QUOTE_CHARS = 600;
export const HISTORY_MESSAGE_CHARS = 4_000;
export const LOOKUP_MESSAGE_CHARS = 480;

export interface QuotedMessage {
  role: string;
  text: string;
}

export function inputsBlock(inputs: readonly InputPacket[], quotes: ReadonlyMap<string, QuotedMessage>): string {
  return yamlBlock('inputs', {
    messages: inputs.map(({ payload: m }) => {
      const quoted = m.quote !== undefined ? quotes.get(m.quote) : undefined;
      return {
        id: m.id,
        role: m.role,
        time: m.createdAt,
        quote: m.quote === undefined ? undefined : quoted ? { id: m.quote, role: quoted.role, content: clip(quoted.text, QUOTE_CHARS) } : { id: m.quote, content: '(message not found)' },
        content: m.text,
      };
    }),
  });
}

export function resultsBlock(results: readonly ResultPacket[], tasks: readonly Task[]): string {
  return yamlBlock('results', {
    tasks: results.map(({ payload: r }) => {
      const task = tasks.find((t) => t.id === r.taskId);
      const cut = r.output.length > RESULT_OUTPUT_CHARS;
      return {
        id: r.taskId,
        title: r.title ?? task?.title,
        profile: r.profile ?? task?.profile,
        prompt: task ? clip(task.prompt, 240) : undefined,
        status: r.status,
        ok: r.ok,
        completed_at: r.completedAt,
        duration_ms: r.durationMs,
        attempts: r.attempts,
        output: cut ? `${r.output.slice(0, RESULT_OUTPUT_CHARS)}\n[… output truncated; the full result is in archive_path]` : r.output,
        archive_path: r.archivePath,
        cancel: r.cancel ? { source: r.cancel.source, reason: r.cancel.reason } : undefined,
      };
    }),
  });
}

/** Oldest first. */
export function recentHistoryBlock(messages: readonly HistoryMessage[]): string {
  return yamlBlock('recent_history', {
    messages: messages.map((m) => ({ id: m.id, role: m.role, time: m.createdAt, content: clip(m.text, HISTORY_MESSAGE_CHARS) })),
  });
}

export type HistoryLookup = { query: string; hits: HistoryHit[] } | { query: string; error: string };

export function historyLookupBlock(lookup: HistoryLookup | undefined): string {
  if (!lookup) return '';
  if ('error' in lookup) return yamlBlock('history_lookup', { query: lookup.query, error: lookup.error });
  return yamlBlock('history_lookup', {
    query: lookup.query,
    messages: lookup.hits.length === 0 ? undefined : lookup.hits.map((h) => ({ id: h.id, role: h.role, time: h.createdAt, score: h.score, content: clip(h.text, LOOKUP_MESSAGE_CHARS) })),
    note: lookup.hits.length === 0 ? 'no matching messages' : undefined,
  });
}
