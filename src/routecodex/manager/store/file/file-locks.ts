/**
 * Named leases as files under `$ROUTECODEX_HOME/state/`: the lease `token-manager/leader` is the file
 * `state/token-manager/leader.json`. Acquire creates the file atomically (a complete temp file hard-linked
 * to the lock path, which fails when it exists), so nobody ever reads a half-written lock. A lock whose
 * holder is on this host and dead, or whose heartbeat is older than the ttl, is taken over: the stale file
 * is renamed to a unique name and compared with what was judged stale (a different content means someone
 * else won; it is put back). `fence` grows with every new holder (a sidecar `<name>.fence` remembers the
 * last one across releases). Renew and release are fenced by the lease token. `holder()` reports what
 * the file records, stale or not (only `acquire` judges staleness); a corrupt file reads as no holder.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { systemClock, type Clock } from '../../../../shared/clock.js';
import { removeDeadWritersTemps } from '../../../../shared/atomic-write.js';
import { fsSafeSegment } from '../../../../shared/ids.js';
import type { Lease, LeaseHolder, LeaseLocks } from '../types.js';
import { createExclusive, errCode, pidAlive, replaceFile, sideName } from './file-lock-io.js';

const lockFileSchema = z.object({
  ownerId: z.string(),
  pid: z.number().int().positive(),
  hostname: z.string(),
  acquiredAt: z.number(),
  heartbeatAt: z.number(),
  fence: z.number().int().nonnegative(),
  token: z.string().min(1),
  /** The holder's ttl: the holder, not the contender, says how long its silence is tolerated. */
  ttlMs: z.number().positive().optional(),
});
type LockFile = z.infer<typeof lockFileSchema>;

type Observed =
  | { kind: 'missing' }
  | { kind: 'held'; text: string; lock: LockFile }
  | { kind: 'corrupt'; text: string; mtimeMs: number };

/** Where problems that are not errors of the caller go (a corrupt lock file); a warning by default. */
export type LeaseProblemReporter = (message: string) => void;

const defaultReporter: LeaseProblemReporter = (message) => process.emitWarning(message, 'RouteCodexLeaseWarning');

function serialize(lock: LockFile): string {
  return `${JSON.stringify(lock)}\n`;
}

export class FileLeaseLocks implements LeaseLocks {
  private readonly host = os.hostname();
  /** Directories already cleared of dead writers' temp files (once per directory and process). */
  private readonly swept = new Set<string>();

  constructor(
    private readonly stateDir: string,
    private readonly clock: Clock = systemClock,
    private readonly report: LeaseProblemReporter = defaultReporter,
  ) {}

  /** The lock file of a lease name (`a/b` → `<stateDir>/a/b.json`); each segment must be filesystem-safe. */
  lockPath(name: string): string {
    const segments = name.split('/');
    for (const s of segments) {
      if (s.length === 0 || fsSafeSegment(s) !== s || s === '..') throw new Error(`invalid lease name "${name}"`);
    }
    return `${path.join(this.stateDir, ...segments)}.json`;
  }

  async acquire(name: string, ownerId: string, ttlMs: number): Promise<Lease | undefined> {
    const file = this.lockPath(name);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await this.sweepOnce(path.dirname(file));
    for (let round = 0; round < 3; round++) {
      const lock = this.newLock(ownerId, ttlMs, (await this.readFence(file)) + 1);
      if (await createExclusive(file, serialize(lock))) return this.settle(name, file, lock);
      const seen = await this.observe(file, name);
      if (seen.kind === 'missing') continue; // released meanwhile: try again
      if (!this.isStale(seen, ttlMs)) return undefined;
      if (seen.kind === 'held') lock.fence = Math.max(lock.fence, seen.lock.fence + 1);
      return (await this.takeOver(file, seen.text, lock)) ? this.settle(name, file, lock) : undefined;
    }
    return undefined;
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    const file = this.lockPath(lease.name);
    const seen = await this.observe(file, lease.name);
    if (seen.kind !== 'held' || seen.lock.token !== lease.token) return false;
    const now = this.clock.now();
    const next = serialize({ ...seen.lock, heartbeatAt: now, ttlMs });
    if (now - seen.lock.heartbeatAt < (seen.lock.ttlMs ?? ttlMs) / 2) {
      // Nobody can judge this lock stale before half its ttl has passed: replace it in place.
      await replaceFile(file, next);
    } else {
      // A contender may be taking it over right now: move it aside, check it is still ours, re-create it.
      const moved = await this.moveAside(file, 'renewing');
      if (moved === undefined) return false;
      if (moved.token !== lease.token) {
        await this.putBack(moved.path, file);
        return false;
      }
      const created = await createExclusive(file, next);
      await fs.rm(moved.path, { force: true });
      if (!created) return false;
    }
    lease.holder.heartbeatAt = now;
    return true;
  }

  async release(lease: Lease): Promise<void> {
    const file = this.lockPath(lease.name);
    const seen = await this.observe(file, lease.name);
    if (seen.kind !== 'held' || seen.lock.token !== lease.token) return; // lost it already: not ours to remove
    const moved = await this.moveAside(file, 'releasing');
    if (moved === undefined) return;
    if (moved.token === lease.token) await fs.rm(moved.path, { force: true });
    else await this.putBack(moved.path, file);
  }

  async holder(name: string): Promise<LeaseHolder | undefined> {
    const seen = await this.observe(this.lockPath(name), name);
    return seen.kind === 'held' ? toHolder(seen.lock) : undefined;
  }

  private newLock(ownerId: string, ttlMs: number, fence: number): LockFile {
    const now = this.clock.now();
    return { ownerId, pid: process.pid, hostname: this.host, acquiredAt: now, heartbeatAt: now, fence, token: randomBytes(16).toString('hex'), ttlMs };
  }

  private isStale(seen: Exclude<Observed, { kind: 'missing' }>, ttlMs: number): boolean {
    const now = this.clock.now();
    if (seen.kind === 'corrupt') return now - seen.mtimeMs > ttlMs;
    const { lock } = seen;
    if (lock.hostname === this.host && !pidAlive(lock.pid)) return true;
    return now - lock.heartbeatAt > (lock.ttlMs ?? ttlMs);
  }

  private async observe(file: string, name: string): Promise<Observed> {
    let text: string;
    let mtimeMs: number;
    try {
      [text, mtimeMs] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file).then((s) => s.mtimeMs)]);
    } catch (e) {
      if (errCode(e) === 'ENOENT') return { kind: 'missing' };
      throw e;
    }
    const parsed = parseLock(text);
    if (parsed) return { kind: 'held', text, lock: parsed };
    this.report(`lease "${name}": lock file ${file} is not a valid lock (treated as held until ${new Date(mtimeMs).toISOString()} + ttl)`);
    return { kind: 'corrupt', text, mtimeMs };
  }

  /** Temp and side files of lock writers that crashed mid-operation are never read; they are cleared here. */
  private async sweepOnce(dir: string): Promise<void> {
    if (this.swept.has(dir)) return;
    this.swept.add(dir);
    try {
      const removed = await removeDeadWritersTemps(dir);
      if (removed.length > 0) this.report(`lease locks: removed ${removed.length} temp file(s) left in ${dir} by writers that died: ${removed.join(', ')}`);
    } catch (e) {
      this.report(`lease locks: could not clear dead writers' temp files in ${dir}: ${(e as Error).message}`);
    }
  }

  /** Renames the stale file away; wins only if the moved content is exactly the one judged stale. */
  private async takeOver(file: string, judged: string, lock: LockFile): Promise<boolean> {
    const grave = sideName(file, 'stale');
    try {
      await fs.rename(file, grave);
    } catch (e) {
      if (errCode(e) === 'ENOENT') return createExclusive(file, serialize(lock)); // gone meanwhile
      throw e;
    }
    const moved = await fs.readFile(grave, 'utf8');
    if (moved !== judged) {
      await this.putBack(grave, file);
      return false;
    }
    await fs.rm(grave, { force: true });
    return createExclusive(file, serialize(lock));
  }

  private async moveAside(file: string, tag: string): Promise<{ path: string; token: string | undefined } | undefined> {
    const aside = sideName(file, tag);
    try {
      await fs.rename(file, aside);
    } catch (e) {
      if (errCode(e) === 'ENOENT') return undefined;
      throw e;
    }
    return { path: aside, token: parseLock(await fs.readFile(aside, 'utf8'))?.token };
  }

  private async putBack(aside: string, file: string): Promise<void> {
    try {
      await fs.link(aside, file);
    } catch (e) {
      if (errCode(e) !== 'EEXIST') throw e;
      this.report(`lease lock ${file}: a holder's lock was displaced by a concurrent acquire; that holder will fail its next renew`);
    } finally {
      await fs.rm(aside, { force: true });
    }
  }

  private fencePath(file: string): string {
    return file.replace(/\.json$/, '.fence');
  }

  private async readFence(file: string): Promise<number> {
    const text = await fs.readFile(this.fencePath(file), 'utf8').catch((e: unknown) => (errCode(e) === 'ENOENT' ? '0' : Promise.reject(e)));
    const n = Number(text.trim());
    return Number.isInteger(n) && n >= 0 ? n : 0;
  }

  /** Makes the new holder's fence larger than every earlier one, then remembers it. */
  private async settle(name: string, file: string, lock: LockFile): Promise<Lease> {
    const last = await this.readFence(file);
    if (last >= lock.fence) {
      lock.fence = last + 1;
      await replaceFile(file, serialize(lock));
    }
    await replaceFile(this.fencePath(file), `${lock.fence}\n`);
    return { name, holder: toHolder(lock), token: lock.token };
  }
}

function parseLock(text: string): LockFile | undefined {
  try {
    const r = lockFileSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

function toHolder(lock: LockFile): LeaseHolder {
  return { ownerId: lock.ownerId, pid: lock.pid, hostname: lock.hostname, acquiredAt: lock.acquiredAt, heartbeatAt: lock.heartbeatAt, fence: lock.fence };
}
