/** FileLeaseLocks in one process: atomic acquire, fenced renew/release, take-over of stale, dead and corrupt locks. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/shared/clock.js';
import { FileLeaseLocks } from '../../../../src/routecodex/manager/store/file/file-locks.js';
import { tempDir } from '../../../helpers/temp-dir.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let clock: ManualClock;
let reports: string[];
let locks: FileLeaseLocks;

beforeEach(async () => {
  dir = await tempDir('rcx-locks-');
  clock = new ManualClock(Date.now());
  reports = [];
  locks = new FileLeaseLocks(dir.path, clock, (m) => reports.push(m));
});
afterEach(async () => {
  await dir.remove();
});

/** A pid that certainly belongs to no process any more. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

async function writeLock(name: string, fields: Record<string, unknown>): Promise<string> {
  const file = locks.lockPath(name);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify({ ownerId: 'other', pid: process.pid, hostname: os.hostname(), acquiredAt: clock.now(), heartbeatAt: clock.now(), fence: 7, token: 'their-token', ...fields }));
  return file;
}

describe('FileLeaseLocks', () => {
  it('keeps a lease at <stateDir>/<name>.json with the holder, and refuses a second holder', async () => {
    const lease = await locks.acquire('token-manager/leader', 'server:a', 30_000);
    expect(lease).toBeDefined();
    const doc = JSON.parse(await fs.readFile(path.join(dir.path, 'token-manager', 'leader.json'), 'utf8'));
    expect(doc).toMatchObject({ ownerId: 'server:a', pid: process.pid, hostname: os.hostname(), fence: 1, token: lease!.token });
    expect(await locks.acquire('token-manager/leader', 'cli:b', 30_000)).toBeUndefined();
    expect(await locks.holder('token-manager/leader')).toEqual(lease!.holder);
  });

  it('lets exactly one of many concurrent acquirers win', async () => {
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => locks.acquire('race', `owner-${i}`, 30_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await fs.readdir(dir.path)).filter((n) => n.startsWith('.'))).toEqual([]); // no temp files left
  });

  it('renews and releases only with the right token', async () => {
    const lease = (await locks.acquire('l', 'a', 1_000))!;
    clock.advance(400);
    expect(await locks.renew(lease, 1_000)).toBe(true);
    expect((await locks.holder('l'))!.heartbeatAt).toBe(clock.now());
    const forged = { ...lease, token: 'forged' };
    expect(await locks.renew(forged, 1_000)).toBe(false);
    await locks.release(forged);
    expect(await locks.holder('l')).toBeDefined();
    await locks.release(lease);
    expect(await locks.holder('l')).toBeUndefined();
  });

  it('takes over a lease whose heartbeat is older than the ttl, not before; the old holder then fails to renew', async () => {
    const old = (await locks.acquire('l', 'a', 1_000))!;
    clock.advance(1_000);
    expect(await locks.acquire('l', 'b', 1_000)).toBeUndefined();
    clock.advance(1);
    const taken = await locks.acquire('l', 'b', 1_000);
    expect(taken?.holder.ownerId).toBe('b');
    expect(taken!.holder.fence).toBe(old.holder.fence + 1);
    expect(await locks.renew(old, 1_000)).toBe(false);
    await locks.release(old); // must not remove b's lease
    expect((await locks.holder('l'))?.ownerId).toBe('b');
  });

  it('a late renew (past half the ttl) still works while nobody took the lease', async () => {
    const lease = (await locks.acquire('l', 'a', 1_000))!;
    clock.advance(900);
    expect(await locks.renew(lease, 1_000)).toBe(true);
    expect((await locks.holder('l'))!.heartbeatAt).toBe(clock.now());
  });

  it('takes over at once a lease whose holder on this host is dead', async () => {
    await writeLock('l', { pid: deadPid() });
    const lease = await locks.acquire('l', 'b', 60_000);
    expect(lease?.holder.fence).toBe(8);
  });

  it('does not take over a live holder on this host, nor a fresh lease of another host', async () => {
    await writeLock('l', { pid: process.pid === 1 ? 2 : 1 });
    expect(await locks.acquire('l', 'b', 60_000)).toBeUndefined();
    await writeLock('m', { pid: deadPid(), hostname: 'elsewhere' });
    expect(await locks.acquire('m', 'b', 60_000)).toBeUndefined();
  });

  it('reports a corrupt lock, judges it by its mtime, and takes it over once that is older than the ttl', async () => {
    const file = locks.lockPath('l');
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, '{"ownerId": "half-writ');
    expect(await locks.holder('l')).toBeUndefined();
    expect(reports.join('\n')).toContain('not a valid lock');
    expect(await locks.acquire('l', 'b', 60_000)).toBeUndefined();
    const old = new Date(clock.now() - 120_000);
    await fs.utimes(file, old, old);
    expect((await locks.acquire('l', 'b', 60_000))?.holder.ownerId).toBe('b');
  });

  it('gives every new holder a larger fence, across releases too', async () => {
    const fences: number[] = [];
    for (let i = 0; i < 4; i++) {
      const lease = (await locks.acquire('f', `o${i}`, 1_000))!;
      fences.push(lease.holder.fence);
      await locks.release(lease);
    }
    expect(fences).toEqual([1, 2, 3, 4]);
  });

  it('clears the temp and side files of lock writers that died mid-operation (dead pid and older than a minute), once per directory', async () => {
    const file = locks.lockPath('token-manager/leader');
    const lockDir = path.dirname(file);
    await fs.mkdir(lockDir, { recursive: true });
    const dead = deadPid();
    const names = {
      deadOld: `.leader.json.${dead}.0123456789ab.renew`,
      deadOldGrave: `.leader.json.${dead}.abcdef012345.stale`,
      deadOldNew: `.new.${dead}.00112233aabb.tmp`,
      deadYoung: `.leader.json.${dead}.ffffffffffff.renew`,
      liveOld: `.leader.json.${process.pid}.0123456789ab.renewing`,
      unrelated: '.leader.json.notes',
    };
    const old = new Date(Date.now() - 5 * 60_000);
    for (const [key, name] of Object.entries(names)) {
      const p = path.join(lockDir, name);
      await fs.writeFile(p, 'x');
      if (key !== 'deadYoung') await fs.utimes(p, old, old);
    }
    expect(await locks.acquire('token-manager/leader', 'me', 30_000)).toBeDefined();
    const left = await fs.readdir(lockDir);
    expect(left).not.toContain(names.deadOld);
    expect(left).not.toContain(names.deadOldGrave);
    expect(left).not.toContain(names.deadOldNew);
    for (const kept of [names.deadYoung, names.liveOld, names.unrelated, 'leader.json']) expect(left).toContain(kept);
    expect(reports.some((r) => r.includes('removed 3 temp file(s)'))).toBe(true);

    // Once per directory: a leftover appearing later is not looked for on every acquire.
    const later = path.join(lockDir, `.leader.json.${dead}.aaaaaaaaaaaa.renew`);
    await fs.writeFile(later, 'x');
    await fs.utimes(later, old, old);
    await locks.acquire('token-manager/leader', 'me-again', 30_000);
    expect(await fs.readdir(lockDir)).toContain(path.basename(later));
  });

  it('rejects lease names that are not filesystem-safe', async () => {
    await expect(locks.acquire('../escape', 'a', 1_000)).rejects.toThrow(/invalid lease name/);
    await expect(locks.acquire('a//b', 'a', 1_000)).rejects.toThrow(/invalid lease name/);
  });
});
