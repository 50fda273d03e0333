/**
 * Health persistence in `$home/state/router/<serverId>/health.jsonl`. Every write is one appended
 * complete line (under the file's lock; a torn last line left by a crash is terminated first). `load`
 * replays the last valid snapshot and the record/remove lines after it (a record line never shortens a
 * cooldown still running when it was written: the same merge as the Redis store's). `compact` rewrites the file as
 * one snapshot plus the recent events, atomically and under the same lock, so appends wait for it and
 * nothing acknowledged is lost. The file compacts itself when it grows past `compactBytes`.
 */
import fs from 'node:fs/promises';
import type { Clock } from '../../../../shared/clock.js';
import { withFileLock } from '../../../../shared/file-lock.js';
import { appendJsonLine } from '../../../../shared/jsonl.js';
import type { Logger } from '../../../../shared/logger.js';
import type { ProviderErrorEvent, ProviderHealthRecord } from '../../../router/health/types.js';
import { isHealthRecordRetained } from '../health-schema.js';
import type { HealthPersistence } from '../types.js';
import type { HealthLine } from './health-lines.js';
import { readHealthFile } from './health-lines.js';
import { removeStaleTemps, replaceFileAtomically, type ReplaceHooks } from './replace-file.js';

export interface FileHealthOptions {
  file: string;
  /** Events older than this are dropped by compaction; failure counts older than this are dropped on load. */
  ttlMs: number;
  /** Compaction keeps at most this many events. */
  maxEvents: number;
  /** Compact once the file grows past this many bytes (or twice its size after the last compaction). */
  compactBytes: number;
  clock: Clock;
  logger: Logger;
  hooks?: ReplaceHooks;
}

export class FileHealthPersistence implements HealthPersistence {
  private approxBytes: number | undefined;
  private threshold: number;
  private compacting: Promise<void> | undefined;
  private readonly listeners = new Set<(providerKey: string, record: ProviderHealthRecord | undefined) => void>();

  constructor(private readonly options: FileHealthOptions) {
    this.threshold = options.compactBytes;
  }

  get file(): string {
    return this.options.file;
  }

  async load(now: number): Promise<ProviderHealthRecord[]> {
    const content = await readHealthFile(this.options.file, this.options.logger);
    return [...content.records.values()].filter((r) => isHealthRecordRetained(r, now, this.options.ttlMs));
  }

  save(record: ProviderHealthRecord): Promise<void> {
    return this.append({ kind: 'record', at: this.options.clock.now(), record });
  }

  remove(providerKey: string): Promise<void> {
    return this.append({ kind: 'remove', at: this.options.clock.now(), providerKey });
  }

  appendEvent(event: ProviderErrorEvent): Promise<void> {
    return this.append({ kind: 'event', at: this.options.clock.now(), event });
  }

  async recentEvents(limit: number): Promise<ProviderErrorEvent[]> {
    if (limit <= 0) return [];
    const content = await readHealthFile(this.options.file, this.options.logger);
    return content.events.slice(-limit);
  }

  async compact(now: number): Promise<void> {
    const { file, ttlMs, maxEvents, logger } = this.options;
    await withFileLock(file, async () => {
      const stale = await removeStaleTemps(file);
      if (stale.length > 0) logger.warn({ file, stale }, 'health.jsonl: removed temp files of an interrupted compaction');
      if (!(await exists(file))) return;
      const content = await readHealthFile(file, logger);
      const records = [...content.records.values()].filter((r) => isHealthRecordRetained(r, now, ttlMs));
      const events = content.events.filter((e) => e.at >= now - ttlMs).slice(-maxEvents);
      const lines: HealthLine[] = [{ kind: 'snapshot', at: now, records }, ...events.map((event): HealthLine => ({ kind: 'event', at: event.at, event }))];
      const text = lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
      await replaceFileAtomically(file, text, this.options.hooks);
      const bytes = Buffer.byteLength(text);
      this.approxBytes = bytes;
      this.threshold = Math.max(this.options.compactBytes, 2 * bytes);
      logger.debug({ file, records: records.length, events: events.length, bytes, skipped: content.skipped }, 'health.jsonl compacted');
    });
  }

  /** A single file store has no other writers: this never fires, but unsubscribing works. */
  subscribe(listener: (providerKey: string, record: ProviderHealthRecord | undefined) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Waits for a size-triggered compaction that is running. */
  async close(): Promise<void> {
    await this.compacting;
  }

  private async append(line: HealthLine): Promise<void> {
    await appendJsonLine(this.options.file, line);
    if (this.approxBytes === undefined) this.approxBytes = await sizeOf(this.options.file);
    else this.approxBytes += Buffer.byteLength(JSON.stringify(line)) + 1;
    if (this.approxBytes > this.threshold && !this.compacting) {
      this.compacting = this.compact(this.options.clock.now())
        .catch((e: unknown) => {
          // Back off: retry after another `compactBytes` of growth, not on every append.
          this.threshold = (this.approxBytes ?? 0) + this.options.compactBytes;
          this.options.logger.error({ err: e, file: this.options.file }, 'health.jsonl: size-triggered compaction failed');
        })
        .finally(() => (this.compacting = undefined));
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return (await sizeOf(file)) >= 0;
}

/** The file's size, or -1 when it does not exist. */
async function sizeOf(file: string): Promise<number> {
  try {
    return (await fs.stat(file)).size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return -1;
    throw e;
  }
}
