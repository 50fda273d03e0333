import fs from 'node:fs/promises';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { acquireInstanceLock, InstanceLockError, lockRecordSchema, type LockRecord } from './instance-lock.js';
import type { StatePaths } from './paths.js';
import { deadPid, startTsChild } from './testing/child-process.js';
import { useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();
const CHILD = 'src/mimikit/storage/testing/lock-child.ts';

async function readLock(paths: StatePaths): Promise<LockRecord> {
  return lockRecordSchema.parse(JSON.parse(await fs.readFile(paths.instanceLockFile, 'utf8')));
}

async function writeLock(paths: StatePaths, record: Partial<LockRecord>): Promise<void> {
  const now = new Date().toISOString();
  await fs.writeFile(paths.instanceLockFile, JSON.stringify({ pid: process.pid, token: 'other', hostname: os.hostname(), createdAt: now, heartbeatAt: now, ...record }));
}

describe('acquireInstanceLock (in process)', () => {
  it('creates the lock record and removes it on release', async () => {
    const paths = await newPaths();
    const clock = new ManualClock(Date.parse('2024-05-01T00:00:00.000Z'));
    const lock = await acquireInstanceLock(paths, { clock });
    expect(await readLock(paths)).toEqual({ pid: process.pid, token: lock.token, hostname: os.hostname(), createdAt: '2024-05-01T00:00:00.000Z', heartbeatAt: '2024-05-01T00:00:00.000Z' });
    await lock.release();
    expect(await fs.readdir(paths.root)).toEqual([]); // no lock, no temp or claim files
  });

  it('refuses a live lock and names the holder pid', async () => {
    const paths = await newPaths();
    const lock = await acquireInstanceLock(paths);
    const error = await acquireInstanceLock(paths).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InstanceLockError);
    expect((error as Error).message).toContain(`pid ${process.pid}`);
    expect((error as InstanceLockError).holder?.token).toBe(lock.token);
    await lock.release();
  });

  it('takes over a lock whose process is dead', async () => {
    const paths = await newPaths();
    const pid = await deadPid();
    await writeLock(paths, { pid });
    const reasons: string[] = [];
    const lock = await acquireInstanceLock(paths, { onTakeover: (prev, reason) => reasons.push(`${prev?.pid}: ${reason}`) });
    expect(reasons).toEqual([`${pid}: pid ${pid} is not running`]);
    expect((await readLock(paths)).token).toBe(lock.token);
    await lock.release();
  });

  it('two takers of one stale lock: the later one does not remove the new lock, and loses', async () => {
    const paths = await newPaths();
    await writeLock(paths, { pid: await deadPid() });
    const gate = () => {
      let open!: () => void;
      let arrived!: () => void;
      const opened = new Promise<void>((r) => (open = r));
      const reached = new Promise<void>((r) => (arrived = r));
      return { open, reached, hook: async () => { arrived(); await opened; } };
    };
    const [a, b] = [gate(), gate()];
    const first = acquireInstanceLock(paths, { beforeTakeover: a.hook });
    const second = acquireInstanceLock(paths, { beforeTakeover: b.hook });
    await Promise.all([a.reached, b.reached]); // both judged the same lock stale
    a.open();
    const lock = await first;
    b.open();
    await expect(second).rejects.toThrow(InstanceLockError);
    expect((await readLock(paths)).token).toBe(lock.token);
    await lock.release();
    expect(await fs.readdir(paths.root)).toEqual([]);
  });

  it('takes over a lock with a stale heartbeat even if its pid is alive (pid reuse)', async () => {
    const paths = await newPaths();
    const clock = new ManualClock(Date.parse('2024-05-01T00:10:00.000Z'));
    await writeLock(paths, { heartbeatAt: '2024-05-01T00:09:30.000Z' });
    await expect(acquireInstanceLock(paths, { clock, staleAfterMs: 30_000 })).rejects.toThrow(InstanceLockError); // exactly 30 s: still live
    clock.advance(1);
    const lock = await acquireInstanceLock(paths, { clock, staleAfterMs: 30_000 });
    expect((await readLock(paths)).token).toBe(lock.token);
    await lock.release();
  });

  it('refuses an unreadable lock file while it is fresh, takes it over once old', async () => {
    const paths = await newPaths();
    await fs.writeFile(paths.instanceLockFile, 'garbage');
    await expect(acquireInstanceLock(paths)).rejects.toThrow(/unreadable lock file/);
    const old = new Date(Date.now() - 60_000);
    await fs.utimes(paths.instanceLockFile, old, old);
    const lock = await acquireInstanceLock(paths);
    await lock.release();
  });

  it('heartbeat refreshes heartbeatAt; a lock replaced under us is lost and left alone on release', async () => {
    const paths = await newPaths();
    const clock = new ManualClock(Date.parse('2024-05-01T00:00:00.000Z'));
    const lost: string[] = [];
    const lock = await acquireInstanceLock(paths, { clock, onLost: (r) => lost.push(r) });
    clock.advance(5_000);
    expect(await lock.heartbeat()).toBe(true);
    expect(await readLock(paths)).toMatchObject({ token: lock.token, createdAt: '2024-05-01T00:00:00.000Z', heartbeatAt: '2024-05-01T00:00:05.000Z' });

    await writeLock(paths, { token: 'usurper' });
    expect(await lock.heartbeat()).toBe(false);
    expect(lost).toHaveLength(1);
    expect(lost[0]).toMatch(/taken by another process/);
    await lock.release();
    expect((await readLock(paths)).token).toBe('usurper');
  });

  it('release after the lock file was replaced keeps the other holder', async () => {
    const paths = await newPaths();
    const lock = await acquireInstanceLock(paths);
    await writeLock(paths, { token: 'next-holder' });
    await lock.release();
    expect((await readLock(paths)).token).toBe('next-holder');
  });
});

describe('acquireInstanceLock (real processes)', () => {
  it('exactly one of two processes racing for a stale lock wins, every time', async () => {
    for (let round = 0; round < 6; round++) {
      const paths = await newPaths();
      // Alternate the two kinds of staleness: a dead pid, and a live pid with an old heartbeat.
      await writeLock(paths, round % 2 === 0 ? { pid: await deadPid() } : { heartbeatAt: new Date(Date.now() - 3_600_000).toISOString() });
      const racers = [startTsChild(CHILD, [paths.root]), startTsChild(CHILD, [paths.root])];
      await Promise.all(racers.map((r) => r.next())); // both ready
      for (const r of racers) r.process.stdin.write('go\n');
      const results = await Promise.all(racers.map((r) => r.next()));
      const winners = results.filter((r) => r.result === 'acquired');
      const losers = results.filter((r) => r.result === 'busy');
      expect({ round, winners: winners.length, losers: losers.length }, JSON.stringify(results)).toEqual({ round, winners: 1, losers: 1 });
      expect(losers[0]?.holderPid).toBe(winners[0]?.pid);
      expect((await readLock(paths)).pid).toBe(winners[0]?.pid);
      for (const r of racers) r.process.stdin.end();
      await Promise.all(racers.map((r) => r.exited));
      expect(await fs.readdir(paths.root)).toEqual([]); // released, nothing left behind
    }
  }, 120_000);

  it('a SIGKILLed holder is taken over', async () => {
    const paths = await newPaths();
    const holder = startTsChild(CHILD, [paths.root]);
    await holder.next();
    holder.process.stdin.write('go\n');
    const acquired = await holder.next();
    expect(acquired.result).toBe('acquired');
    await expect(acquireInstanceLock(paths)).rejects.toThrow(`pid ${String(acquired.pid)}`);
    holder.process.kill('SIGKILL');
    expect((await holder.exited).signal).toBe('SIGKILL');
    expect((await readLock(paths)).pid).toBe(acquired.pid); // the file outlived its process
    const lock = await acquireInstanceLock(paths);
    expect(await readLock(paths)).toMatchObject({ pid: process.pid, token: lock.token });
    await lock.release();
  }, 60_000);
});
