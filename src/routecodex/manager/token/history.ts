/**
 * Refresh history per token file (`$ROUTECODEX_HOME/state/token-manager/history.json`, shared by every
 * process of the home: read-modify-write under a file lock, replaced atomically). It also decides whether
 * an automatic refresh may run: after a failure the next one waits (5 s, doubling, at most 5 min); after
 * 3 consecutive failures, the last one a refusal (not a network problem), the token is suspended until its
 * file changes (a new login) or a manual refresh succeeds.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { writeJsonAtomic } from '../../../shared/atomic-write.js';
import { withFileLock } from '../../../shared/file-lock.js';
import type { Logger } from '../../../shared/logger.js';
import { sameStamp, type FileStamp } from './token-files.js';

export const SUSPEND_AFTER_FAILURES = 3;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_MAX_MS = 5 * 60_000;

const stampSchema = z.object({ ino: z.number(), size: z.number(), mtimeMs: z.number() });
const entrySchema = z.object({
  provider: z.string(),
  attempts: z.number().int().nonnegative(),
  successes: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  consecutiveFailures: z.number().int().nonnegative(),
  lastAttemptAt: z.number().optional(),
  lastResult: z.enum(['success', 'failure']).optional(),
  lastError: z.string().optional(),
  lastErrorKind: z.enum(['invalid_grant', 'rejected', 'transient']).optional(),
  lastSuccessAt: z.number().optional(),
  lastFailureAt: z.number().optional(),
  suspended: z.boolean(),
  /** The token file's identity at the last failure: a different file lifts a suspension. */
  fileStamp: stampSchema.optional(),
});
const historySchema = z.object({ version: z.literal(1), updatedAt: z.number(), tokens: z.record(z.string(), entrySchema) });

export type HistoryEntry = z.infer<typeof entrySchema>;
export type FailureKind = NonNullable<HistoryEntry['lastErrorKind']>;
type HistoryDoc = z.infer<typeof historySchema>;

export type RefreshGate = { allowed: true } | { allowed: false; reason: 'suspended' | 'backoff'; until?: number; lastError?: string };

export function backoffMs(consecutiveFailures: number): number {
  return Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, consecutiveFailures - 1));
}

/** Whether an automatic refresh of a token may run now. */
export function refreshGate(entry: HistoryEntry | undefined, stamp: FileStamp | undefined, now: number): RefreshGate {
  if (!entry || entry.lastResult !== 'failure') return { allowed: true };
  if (entry.fileStamp && stamp && !sameStamp(entry.fileStamp, stamp)) return { allowed: true }; // a new file: start over
  const lastError = entry.lastError;
  if (entry.suspended) return { allowed: false, reason: 'suspended', ...(lastError ? { lastError } : {}) };
  const until = (entry.lastFailureAt ?? 0) + backoffMs(entry.consecutiveFailures);
  return now < until ? { allowed: false, reason: 'backoff', until, ...(lastError ? { lastError } : {}) } : { allowed: true };
}

function fresh(provider: string): HistoryEntry {
  return { provider, attempts: 0, successes: 0, failures: 0, consecutiveFailures: 0, suspended: false };
}

export class RefreshHistory {
  constructor(
    readonly file: string,
    private readonly logger: Logger,
  ) {}

  static fileIn(home: string): string {
    return path.join(home, 'state', 'token-manager', 'history.json');
  }

  async all(): Promise<Record<string, HistoryEntry>> {
    return (await this.load()).tokens;
  }

  async get(tokenFile: string): Promise<HistoryEntry | undefined> {
    return (await this.load()).tokens[path.basename(tokenFile)];
  }

  async recordSuccess(tokenFile: string, provider: string, now: number): Promise<HistoryEntry> {
    return this.update(tokenFile, provider, now, (e) => {
      e.successes++;
      e.consecutiveFailures = 0;
      e.suspended = false;
      e.lastResult = 'success';
      e.lastSuccessAt = now;
      delete e.fileStamp;
    });
  }

  async recordFailure(tokenFile: string, provider: string, now: number, kind: FailureKind, message: string, stamp: FileStamp | undefined): Promise<HistoryEntry> {
    return this.update(tokenFile, provider, now, (e) => {
      if (e.fileStamp && stamp && !sameStamp(e.fileStamp, stamp)) {
        e.consecutiveFailures = 0; // the file changed since the last failure: a new token, a new count
        e.suspended = false;
      }
      e.failures++;
      e.consecutiveFailures++;
      e.lastResult = 'failure';
      e.lastFailureAt = now;
      e.lastError = message;
      e.lastErrorKind = kind;
      if (stamp) e.fileStamp = stamp;
      if (e.consecutiveFailures >= SUSPEND_AFTER_FAILURES && kind !== 'transient') e.suspended = true;
    });
  }

  private async update(tokenFile: string, provider: string, now: number, change: (e: HistoryEntry) => void): Promise<HistoryEntry> {
    return withFileLock(this.file, async () => {
      const doc = await this.load();
      const key = path.basename(tokenFile);
      const entry = doc.tokens[key] ?? fresh(provider);
      entry.provider = provider;
      entry.attempts++;
      entry.lastAttemptAt = now;
      change(entry);
      doc.tokens[key] = entry;
      doc.updatedAt = now;
      await writeJsonAtomic(this.file, doc);
      return entry;
    });
  }

  private async load(): Promise<HistoryDoc> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, updatedAt: 0, tokens: {} };
      throw e;
    }
    let problem: string;
    try {
      const r = historySchema.safeParse(JSON.parse(text));
      if (r.success) return r.data;
      problem = r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    } catch (e) {
      problem = (e as Error).message;
    }
    // Keep the unreadable file for inspection and start a new history.
    const aside = `${this.file}.corrupt-${Date.now()}`;
    await fs.rename(this.file, aside).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
    this.logger.warn({ file: this.file, movedTo: aside, problem }, 'token refresh history unreadable; starting a new one');
    return { version: 1, updatedAt: 0, tokens: {} };
  }
}
