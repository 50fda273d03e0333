/**
 * A durable packet queue over one JSONL file (`inputs/packets.jsonl`, `results/packets.jsonl`).
 * Consumers keep a cursor = the number of VALID packets already consumed; torn or invalid lines are
 * skipped without counting, so a cursor keeps pointing at the same packet whatever garbage a crash left.
 * Compaction (truncate to empty) happens only when every packet is consumed; see docs/mimikit-design.md §6.
 */
import fs from 'node:fs/promises';
import type { z } from 'zod';
import { appendJsonLine } from '../../shared/jsonl.js';
import { withFileLock } from '../../shared/file-lock.js';
import { readAllValidLines, validateForWrite, type CorruptLine, type CorruptLineHandler } from './validated-jsonl.js';

export interface PacketQueueOptions {
  /** Called once per distinct corrupt line (not again on every read). */
  onCorrupt?: CorruptLineHandler;
}

export interface QueueRead<T> {
  /** The packets after the (normalized) cursor, in order. */
  packets: T[];
  /** Number of valid packets in the file. */
  total: number;
  /** The cursor the packets start at: the given one, or 0 when it was past the end (file compacted). */
  cursor: number;
}

/**
 * A cursor past the end means the file was compacted after the cursor was persisted and before the
 * reset cursor was (the crash window of §6): everything in the file is new, so start at 0.
 */
export function normalizeCursor(cursor: number, total: number): number {
  if (!Number.isInteger(cursor) || cursor < 0) return 0;
  return cursor > total ? 0 : cursor;
}

const MAX_REMEMBERED_REPORTS = 1_000;

export class PacketQueue<T> {
  private readonly reported = new Set<string>();

  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
    private readonly options: PacketQueueOptions = {},
  ) {}

  /** Appends one packet as one complete line, fsynced, under the file lock. Invalid packets are refused. */
  async append(packet: T): Promise<void> {
    await appendJsonLine(this.file, validateForWrite(this.schema, packet, `packet for ${this.file}`), { fsync: true });
  }

  /** Reads the packets past `cursor` (a cursor past the end is normalized to 0, see `normalizeCursor`). */
  async readFrom(cursor: number): Promise<QueueRead<T>> {
    const all = await withFileLock(this.file, () => this.readAll());
    const start = normalizeCursor(cursor, all.length);
    return { packets: all.slice(start), total: all.length, cursor: start };
  }

  normalizeCursor(cursor: number, total: number): number {
    return normalizeCursor(cursor, total);
  }

  /**
   * Truncates the file when it holds at least `minPackets` packets and `cursor` has consumed all of them.
   * Returns true when it did: the caller must then persist cursor 0. A cursor past the end is treated as
   * 0 (not consumed), so a stale cursor can never make us drop unread packets.
   */
  async compactIfConsumed(cursor: number, minPackets = 100): Promise<boolean> {
    return withFileLock(this.file, async () => {
      const total = (await this.readAll()).length;
      if (total === 0 || total < minPackets || normalizeCursor(cursor, total) < total) return false;
      const handle = await fs.open(this.file, 'r+');
      try {
        await handle.truncate(0);
        await handle.sync();
      } finally {
        await handle.close();
      }
      this.reported.clear();
      return true;
    });
  }

  private async readAll(): Promise<T[]> {
    return readAllValidLines(this.file, this.schema, (info) => this.report(info));
  }

  private report(info: CorruptLine): void {
    const key = `${info.line}\u0000${info.preview}\u0000${info.error}`;
    if (this.reported.has(key)) return;
    if (this.reported.size >= MAX_REMEMBERED_REPORTS) this.reported.clear();
    this.reported.add(key);
    this.options.onCorrupt?.(info);
  }
}
