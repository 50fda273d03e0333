/**
 * One runtime per work dir: `.instance.lock` holds `{pid, token, hostname, createdAt, heartbeatAt}`.
 * It is created complete-or-not-at-all (temp file + `link`, which fails if the lock exists). An existing
 * lock is taken over only when its process is dead (same host) or its heartbeat is older than
 * `staleAfterMs`. Take-over is race-safe: the stale file is first renamed to a name unique to us; only
 * the process whose rename moved exactly the stale content it judged proceeds, anyone who moved
 * something else puts it back.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { writeFileAtomic } from '../../shared/atomic-write.js';
import { serialized } from '../../shared/file-lock.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { StatePaths } from './paths.js';
import { NoFreeNameError, writeFileExclusive } from './exclusive-write.js';
import { pidAlive } from '../../shared/process-alive.js';

export const lockRecordSchema = z
  .object({ pid: z.number().int().positive(), token: z.string().min(1), hostname: z.string(), createdAt: z.iso.datetime(), heartbeatAt: z.iso.datetime() })
  .strict();
export type LockRecord = z.infer<typeof lockRecordSchema>;

export class InstanceLockError extends Error {
  override name = 'InstanceLockError';
  constructor(message: string, readonly holder?: LockRecord) {
    super(message);
  }
}

export interface InstanceLockOptions {
  /** A lock whose heartbeat is older than this is stale (default 30 s). */
  staleAfterMs?: number;
  /** How often the heartbeat is refreshed (default 5 s). */
  heartbeatMs?: number;
  clock?: Clock;
  /** The lock was replaced or removed under us (we are no longer the instance). Called once. */
  onLost?: (reason: string) => void;
  /** A stale lock was taken over (for the log). */
  onTakeover?: (previous: LockRecord | undefined, reason: string) => void;
  /** Awaited after a lock was judged stale and before it is claimed (tests use it to force interleavings). */
  beforeTakeover?: (previous: LockRecord | undefined) => Promise<void> | void;
}

export interface InstanceLock {
  readonly file: string;
  readonly token: string;
  /** Refreshes `heartbeatAt` now (the timer does this every `heartbeatMs`); false when the lock was lost. */
  heartbeat(): Promise<boolean>;
  /** Stops the heartbeat and removes the file if it is still ours. */
  release(): Promise<void>;
}

const MAX_ATTEMPTS = 5;

function parseLock(text: string): LockRecord | undefined {
  try {
    const parsed = lockRecordSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * Moves `file` aside and keeps it only if it still holds `expected`; otherwise puts it back.
 * 'claimed' = the content was `expected` and is now removed; 'gone' = no file; 'changed' = not ours to take.
 */
async function claimFile(file: string, expected: string): Promise<'claimed' | 'gone' | 'changed'> {
  const aside = `${file}.claim-${process.pid}-${randomBytes(6).toString('hex')}`;
  try {
    await fs.rename(file, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  const text = await readText(aside);
  if (text === expected) {
    await fs.rm(aside, { force: true });
    return 'claimed';
  }
  await fs.link(aside, file).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e; // someone created a new lock meanwhile: theirs stands
  });
  await fs.rm(aside, { force: true });
  return 'changed';
}

/** Why an existing lock may be taken over, or undefined when it is live. */
async function staleReason(file: string, holder: LockRecord | undefined, now: number, staleAfterMs: number): Promise<string | undefined> {
  if (!holder) {
    const stat = await fs.stat(file).catch(() => undefined);
    return stat && now - stat.mtimeMs > staleAfterMs ? `unreadable lock file older than ${staleAfterMs} ms` : undefined;
  }
  if (holder.hostname === os.hostname() && !pidAlive(holder.pid)) return `pid ${holder.pid} is not running`;
  const age = now - Date.parse(holder.heartbeatAt);
  if (age > staleAfterMs) return `heartbeat of pid ${holder.pid} is ${age} ms old`;
  return undefined;
}

export async function acquireInstanceLock(paths: StatePaths, options: InstanceLockOptions = {}): Promise<InstanceLock> {
  const clock = options.clock ?? systemClock;
  const staleAfterMs = options.staleAfterMs ?? 30_000;
  const file = paths.instanceLockFile;
  const token = randomBytes(16).toString('hex');
  const createdAt = new Date(clock.now()).toISOString();
  const render = (heartbeatAt: string) => `${JSON.stringify({ pid: process.pid, token, hostname: os.hostname(), createdAt, heartbeatAt } satisfies LockRecord)}\n`;

  let current = render(createdAt);
  for (let attempt = 1; ; attempt++) {
    if (attempt > MAX_ATTEMPTS) throw new InstanceLockError(`could not acquire ${file}: other processes keep contending for it`);
    try {
      await writeFileExclusive(path.dirname(file), [path.basename(file)], current);
      break;
    } catch (e) {
      if (!(e instanceof NoFreeNameError)) throw e;
    }
    const text = await readText(file);
    if (text === undefined) continue; // released meanwhile: try again
    const holder = parseLock(text);
    const reason = await staleReason(file, holder, clock.now(), staleAfterMs);
    if (reason === undefined) {
      const who = holder ? `pid ${holder.pid} on ${holder.hostname} (since ${holder.createdAt}, heartbeat ${holder.heartbeatAt})` : 'an unreadable lock file';
      throw new InstanceLockError(`work dir ${paths.root} is in use by ${who}; lock file ${file}`, holder);
    }
    await options.beforeTakeover?.(holder);
    if ((await claimFile(file, text)) === 'claimed') options.onTakeover?.(holder, reason);
  }

  const key = `instance-lock:${file}`;
  let state: 'held' | 'lost' | 'released' = 'held';
  const lose = (reason: string) => {
    if (state !== 'held') return;
    state = 'lost';
    clearInterval(timer);
    options.onLost?.(reason);
  };
  const heartbeat = () =>
    serialized(key, async () => {
      if (state !== 'held') return false;
      try {
        const onDisk = await readText(file);
        if (onDisk === undefined || parseLock(onDisk)?.token !== token) {
          lose(onDisk === undefined ? `lock file ${file} was removed` : `lock file ${file} was taken by another process`);
          return false;
        }
        const next = render(new Date(clock.now()).toISOString());
        await writeFileAtomic(file, next);
        current = next;
        return true;
      } catch (e) {
        lose(`cannot refresh ${file}: ${e instanceof Error ? e.message : String(e)}`);
        return false;
      }
    });
  const timer = setInterval(() => void heartbeat(), options.heartbeatMs ?? 5_000);
  timer.unref();

  return {
    file,
    token,
    heartbeat,
    release: () =>
      serialized(key, async () => {
        clearInterval(timer);
        if (state === 'held') await claimFile(file, current);
        state = 'released';
      }),
  };
}
