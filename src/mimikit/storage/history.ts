/**
 * `history/YYYY-MM-DD.jsonl`: the chat history, one message per line, append-only. A manager batch is
 * written with ONE append (its reply line last, see docs/mimikit-design.md §2), to the UTC day of the
 * write. A batch re-run after a crash can repeat message ids; every read returns an id once (the first).
 */
import { appendJsonLines } from '../../shared/jsonl.js';
import { historyMessageSchema, type HistoryMessage } from '../model/index.js';
import { utcDay, type StatePaths } from './paths.js';
import { readValidLines, validateForWrite, type CorruptLineHandler } from './validated-jsonl.js';
import { HistoryQueryError, normalizeSearch, searchMessages, type HistoryHit, type HistorySearchQuery } from './history-search.js';
import { listDir } from '../../shared/list-dir.js';

export interface HistoryStoreOptions {
  onCorrupt?: CorruptLineHandler;
}

export interface RecentQuery {
  limit: number;
  filter?: (message: HistoryMessage) => boolean;
}

const DAY_MS = 86_400_000;
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;

export class HistoryStore {
  constructor(
    private readonly paths: StatePaths,
    private readonly options: HistoryStoreOptions = {},
  ) {}

  /** Appends all messages in one write to the day file of `at` (UTC). Invalid messages refuse the batch. */
  async appendBatch(messages: readonly HistoryMessage[], at: Date): Promise<void> {
    if (messages.length === 0) return;
    const valid = messages.map((m, i) => validateForWrite(historyMessageSchema, m, `history message #${i} (id ${JSON.stringify(m.id)})`));
    await appendJsonLines(this.paths.historyFile(at), valid, { fsync: true });
  }

  /** The days that have a history file, oldest first. */
  async listDays(): Promise<string[]> {
    return (await listDir(this.paths.historyDir)).flatMap((n) => DAY_FILE.exec(n)?.[1] ?? []).sort();
  }

  /** The valid messages of one day file, in write order, each id once (the first). */
  async readDay(day: string): Promise<HistoryMessage[]> {
    const seen = new Set<string>();
    const out: HistoryMessage[] = [];
    for await (const m of readValidLines(this.paths.historyFile(day), historyMessageSchema, this.options.onCorrupt)) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      out.push(m);
    }
    return out;
  }

  /**
   * The newest `limit` messages passing `filter`, NEWEST FIRST. Reads day files from the newest back and
   * stops once it has enough. A duplicate id found in an older day replaces the newer copy.
   */
  async readRecent(query: RecentQuery): Promise<HistoryMessage[]> {
    const limit = Math.floor(query.limit);
    if (!(limit > 0)) return [];
    const out: Array<HistoryMessage | undefined> = [];
    const slotOf = new Map<string, number>(); // id → index in `out`, or -1 when filtered out
    let count = 0;
    const days = (await this.listDays()).reverse();
    for (const day of days) {
      if (count >= limit) break;
      const messages = await this.readDay(day);
      for (let i = messages.length - 1; i >= 0; i--) {
        const m = messages[i] as HistoryMessage;
        const previous = slotOf.get(m.id);
        if (previous !== undefined && previous >= 0) {
          out[previous] = undefined; // the older copy is the first one written: it wins
          count--;
        }
        if (query.filter && !query.filter(m)) {
          slotOf.set(m.id, -1);
          continue;
        }
        slotOf.set(m.id, out.length);
        out.push(m);
        count++;
      }
    }
    return out.filter((m): m is HistoryMessage => m !== undefined).slice(0, limit);
  }

  /** Every message from the day of `from` (default: the first day) onwards, oldest first, each id once. */
  async *scanFrom(from?: Date | string): AsyncGenerator<HistoryMessage> {
    const first = from === undefined ? undefined : utcDay(from);
    const seen = new Set<string>();
    for (const day of await this.listDays()) {
      if (first !== undefined && day < first) continue;
      for (const m of await this.readDay(day)) {
        if (seen.has(m.id)) continue;
        seen.add(m.id);
        yield m;
      }
    }
  }

  /** The messages with the given ids (first copy of each), scanning from `fromDate`; stops when all are found. */
  async findByIds(ids: Iterable<string>, fromDate?: Date | string): Promise<Map<string, HistoryMessage>> {
    const wanted = new Set(ids);
    const found = new Map<string, HistoryMessage>();
    if (wanted.size === 0) return found;
    for await (const m of this.scanFrom(fromDate)) {
      if (!wanted.has(m.id)) continue;
      found.set(m.id, m);
      if (found.size === wanted.size) break;
    }
    return found;
  }

  /**
   * `query_history`. Throws `HistoryQueryError` for a query without terms, a bad date, or an unknown
   * `beforeId` (so the manager gets told what was wrong). Only agent-visible messages are searched.
   */
  async search(query: HistorySearchQuery): Promise<HistoryHit[]> {
    const q = normalizeSearch(query);
    // Messages are written at or after their createdAt, so no day file before `from` can hold a match
    // (one day of slack for clock skew); with a beforeId we scan everything to tell "unknown id" from
    // "no match".
    const lower = q.beforeId === undefined && q.fromMs !== undefined ? q.fromMs - DAY_MS : undefined;
    return searchMessages(this.scanFrom(lower === undefined ? undefined : new Date(lower)), q);
  }
}

export { HistoryQueryError, type HistoryHit, type HistorySearchQuery };
