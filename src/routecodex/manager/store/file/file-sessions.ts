/**
 * Session routing states as one JSON file each under `$home/state/router/<serverId>/sessions/`, written
 * atomically (temp + rename) as `{version: 1, sessionId, expiresAt, state}`. Operations on one file run
 * one after another in this process, so a sweep never deletes a state a concurrent write just renewed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeJsonAtomic } from '../../../../shared/atomic-write.js';
import type { Clock } from '../../../../shared/clock.js';
import { serialized } from '../../../../shared/file-lock.js';
import { fsSafeSegment } from '../../../../shared/ids.js';
import type { Logger } from '../../../../shared/logger.js';
import { sessionRoutingStateSchema, type SessionRoutingState } from '../../../router/session/state.js';
import type { SessionPersistence } from '../types.js';
import { listDir } from '../../../../shared/list-dir.js';

const sessionFileSchema = z
  .object({ version: z.literal(1), sessionId: z.string().min(1), expiresAt: z.number(), state: sessionRoutingStateSchema })
  .strict();
type SessionFile = z.infer<typeof sessionFileSchema>;

/** A temp file of an interrupted atomic write is removed by the sweep once it is this old. */
const STALE_TEMP_MS = 60_000;

/** `<readable part>-<hash of the raw id>.json`: ids that clean up to the same text still get distinct files. */
export function sessionFileName(sessionId: string): string {
  const hash = createHash('sha256').update(sessionId).digest('hex').slice(0, 16);
  return `${fsSafeSegment(sessionId, 80)}-${hash}.json`;
}

type ReadResult = { kind: 'missing' } | { kind: 'corrupt'; error: string } | { kind: 'ok'; value: SessionFile };

export class FileSessionPersistence implements SessionPersistence {
  private readonly listeners = new Set<(sessionId: string) => void>();

  constructor(
    private readonly dir: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async get(sessionId: string, now: number): Promise<SessionRoutingState | undefined> {
    const file = this.fileOf(sessionId);
    const read = await this.read(file);
    if (read.kind === 'corrupt') this.reportCorrupt(file, read.error);
    if (read.kind !== 'ok' || read.value.sessionId !== sessionId || read.value.expiresAt <= now) return undefined;
    return read.value.state;
  }

  async put(state: SessionRoutingState, ttlMs: number): Promise<void> {
    const file = this.fileOf(state.sessionId);
    const content: SessionFile = { version: 1, sessionId: state.sessionId, expiresAt: this.clock.now() + ttlMs, state };
    await serialized(file, () => writeJsonAtomic(file, content));
  }

  async remove(sessionId: string): Promise<void> {
    const file = this.fileOf(sessionId);
    await serialized(file, () => fs.rm(file, { force: true }));
  }

  async sweep(now: number): Promise<number> {
    let removed = 0;
    for (const name of await listDir(this.dir)) {
      const file = path.join(this.dir, name);
      if (name.startsWith('.') && name.endsWith('.tmp')) await this.removeStaleTemp(file);
      else if (name.endsWith('.json') && (await serialized(file, () => this.sweepOne(file, now)))) removed++;
    }
    return removed;
  }

  /** A single file store has no other writers: this never fires, but unsubscribing works. */
  subscribe(listener: (sessionId: string) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  private fileOf(sessionId: string): string {
    return path.join(this.dir, sessionFileName(sessionId));
  }

  private async sweepOne(file: string, now: number): Promise<boolean> {
    const read = await this.read(file);
    if (read.kind === 'corrupt') {
      // Kept for inspection under another name, so it is neither read again nor reported again.
      const aside = `${file}.corrupt`;
      await fs.rename(file, aside);
      this.logger.error({ file, movedTo: aside, error: read.error }, 'session state file is corrupt; moved aside');
      return false;
    }
    if (read.kind !== 'ok' || read.value.expiresAt > now) return false;
    await fs.rm(file, { force: true });
    return true;
  }

  /** File times are wall-clock times, so this compares with the system clock, not the store's. */
  private async removeStaleTemp(file: string): Promise<void> {
    try {
      const { mtimeMs } = await fs.stat(file);
      if (mtimeMs + STALE_TEMP_MS < Date.now()) await fs.rm(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }

  private async read(file: string): Promise<ReadResult> {
    let raw: unknown;
    try {
      raw = await readJsonFile(file);
    } catch (e) {
      if (e instanceof SyntaxError) return { kind: 'corrupt', error: e.message };
      throw e;
    }
    if (raw === undefined) return { kind: 'missing' };
    const parsed = sessionFileSchema.safeParse(raw);
    if (!parsed.success) return { kind: 'corrupt', error: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ') };
    return { kind: 'ok', value: parsed.data };
  }

  private reportCorrupt(file: string, error: string): void {
    this.logger.error({ file, error }, 'session state file is corrupt; treated as no state (the next sweep moves it aside)');
  }
}
