/**
 * `query_history`: case-insensitive term matching over the agent-visible history. Score = number of
 * matched terms + up to 0.05 for recency (newest candidate 0.05, oldest 0), so more matched terms always
 * rank first and recency only breaks near-ties.
 */
import { visibleToAgent, type HistoryMessage } from '../model/index.js';

export type HistoryRole = HistoryMessage['role'];

export interface HistorySearchQuery {
  query: string;
  /** 1–20, default 6. */
  limit?: number;
  /** Default `user` and `agent`. */
  roles?: readonly HistoryRole[];
  /** Only messages before this message id (in history order). */
  beforeId?: string;
  /** ISO times, inclusive, in either order. A date-only `to` means the end of that day; no offset = UTC. */
  from?: string;
  to?: string;
}

export interface HistoryHit {
  id: string;
  role: HistoryRole;
  createdAt: string;
  score: number;
  text: string;
}

export class HistoryQueryError extends Error {
  override name = 'HistoryQueryError';
}

export const SEARCH_DEFAULT_LIMIT = 6;
export const SEARCH_MAX_LIMIT = 20;
const RECENCY_WEIGHT = 0.05;

export interface NormalizedSearch {
  terms: string[];
  limit: number;
  roles: ReadonlySet<HistoryRole>;
  beforeId: string | undefined;
  fromMs: number | undefined;
  toMs: number | undefined;
}

/** Lowercased query terms split on whitespace and punctuation, deduplicated. */
export function searchTerms(query: string): string[] {
  return [...new Set(query.toLowerCase().split(/[\s\p{P}\p{S}]+/u).filter((t) => t.length > 0))];
}

const ISO = /^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function parseIso(value: string, field: string, endOfDay: boolean): number {
  const m = ISO.exec(value.trim());
  if (!m) throw new HistoryQueryError(`${field} is not an ISO date/time: ${JSON.stringify(value)}`);
  const dateOnly = !value.includes('T');
  const text = dateOnly ? `${m[1]}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z` : m[2] ? value.trim() : `${value.trim()}Z`;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new HistoryQueryError(`${field} is not a valid date/time: ${JSON.stringify(value)}`);
  return ms;
}

export function normalizeSearch(q: HistorySearchQuery): NormalizedSearch {
  const terms = searchTerms(q.query);
  if (terms.length === 0) throw new HistoryQueryError('query has no search terms');
  const limit = q.limit === undefined || !Number.isFinite(q.limit) ? SEARCH_DEFAULT_LIMIT : Math.min(SEARCH_MAX_LIMIT, Math.max(1, Math.floor(q.limit)));
  const roles = new Set<HistoryRole>(q.roles && q.roles.length > 0 ? q.roles : ['user', 'agent']);
  let fromMs = q.from ? parseIso(q.from, 'from', false) : undefined;
  let toMs = q.to ? parseIso(q.to, 'to', true) : undefined;
  if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) {
    // Order-insensitive: re-read each bound with the other's meaning.
    fromMs = parseIso(q.to as string, 'to', false);
    toMs = parseIso(q.from as string, 'from', true);
  }
  return { terms, limit, roles, beforeId: q.beforeId || undefined, fromMs, toMs };
}

/** Scores the messages (oldest first, already deduplicated) against a normalized query. */
export async function searchMessages(messages: AsyncIterable<HistoryMessage>, q: NormalizedSearch): Promise<HistoryHit[]> {
  const matches: Array<{ message: HistoryMessage; matched: number; position: number }> = [];
  let candidates = 0;
  let sawBefore = false;
  for await (const m of messages) {
    if (q.beforeId !== undefined && m.id === q.beforeId) {
      sawBefore = true;
      break;
    }
    if (!q.roles.has(m.role) || !visibleToAgent(m)) continue;
    const at = Date.parse(m.createdAt);
    if (q.fromMs !== undefined && !(at >= q.fromMs)) continue;
    if (q.toMs !== undefined && !(at <= q.toMs)) continue;
    const position = candidates++;
    const text = m.text.toLowerCase();
    const matched = q.terms.filter((t) => text.includes(t)).length;
    if (matched > 0) matches.push({ message: m, matched, position });
  }
  if (q.beforeId !== undefined && !sawBefore) throw new HistoryQueryError(`before_id ${JSON.stringify(q.beforeId)} is not a history message id`);
  const span = Math.max(1, candidates - 1);
  return matches
    .map(({ message, matched, position }) => ({
      hit: {
        id: message.id,
        role: message.role,
        createdAt: message.createdAt,
        score: Math.round((matched + (RECENCY_WEIGHT * position) / span) * 1000) / 1000,
        text: message.text,
      },
      position,
    }))
    .sort((a, b) => b.hit.score - a.hit.score || b.position - a.position)
    .slice(0, q.limit)
    .map((x) => x.hit);
}
