/**
 * The leader lease between real processes: two processes race for it 50 times each and are never holders
 * at the same time; a SIGKILLed holder's lease is taken over at once (its pid is dead on this host); a
 * holder that stops renewing (SIGSTOP: alive, silent) keeps it for the ttl — not a moment less — and
 * learns it lost the lease when it wakes up.
 */
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FileLeaseLocks } from '../../../../src/routecodex/manager/store/file/file-locks.js';
import { tempDir } from '../../../helpers/temp-dir.js';
import { killAllChildren, spawnNode } from '../child-process.js';

const RUN_TS = 'bin/run-ts.mjs';
const script = (name: string) => path.join('test/routecodex/manager/token/scripts', name);
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  dir = await tempDir('rcx-leader-');
});
afterEach(async () => {
  await killAllChildren();
});
afterAll(async () => {
  await dir.remove();
});

interface Attempt {
  pid: number;
  acquired: boolean;
  from?: number;
  to?: number;
  ownFile?: boolean;
}

describe('leader lease across processes', () => {
  it('two processes racing 50 times each are never holders at the same time', async () => {
    const children = [0, 1].map(() => spawnNode([RUN_TS, script('lease-race.ts'), dir.path, 'token-manager/leader', '50']));
    await Promise.all(children.map((c) => c.waitForLine(/^ready$/)));
    for (const c of children) c.proc.kill('SIGUSR2');
    const results = await Promise.all(children.map(async (c) => JSON.parse((await c.waitForLine(/^\[.*\]$/))[0]) as Attempt[]));
    const all = results.flat();
    expect(all).toHaveLength(100);
    const held = all.filter((a) => a.acquired).sort((a, b) => a.from! - b.from!);
    for (let i = 1; i < held.length; i++) expect(held[i]!.from!).toBeGreaterThanOrEqual(held[i - 1]!.to!);
    expect(held.every((a) => a.ownFile)).toBe(true);
    // Both took part and actually contended.
    for (const c of children) expect(held.some((a) => a.pid === c.proc.pid)).toBe(true);
    expect(all.some((a) => !a.acquired)).toBe(true);
  });

  it('takes over at once the lease of a SIGKILLed holder on this host', async () => {
    const holder = spawnNode([RUN_TS, script('lease-holder.ts'), dir.path, 'killed/leader', '60000']);
    await holder.waitForLine(/^acquired \d+$/);
    const locks = new FileLeaseLocks(dir.path);
    expect(await locks.acquire('killed/leader', 'test', 60_000)).toBeUndefined();
    await holder.kill('SIGKILL');
    const lease = await locks.acquire('killed/leader', 'test', 60_000);
    expect(lease?.holder.ownerId).toBe('test');
  });

  it('a silent (SIGSTOPped) holder keeps the lease for the ttl, not less; then it is taken over and the holder notices', async () => {
    const ttl = 1_200;
    const holder = spawnNode([RUN_TS, script('lease-holder.ts'), dir.path, 'stopped/leader', String(ttl)]);
    await holder.waitForLine(/^acquired \d+$/);
    holder.proc.kill('SIGSTOP');
    const locks = new FileLeaseLocks(dir.path);
    const heartbeat = (await locks.holder('stopped/leader'))!.heartbeatAt;
    let refusedEarly = 0;
    let lease;
    for (;;) {
      const before = Date.now();
      lease = await locks.acquire('stopped/leader', 'test', ttl);
      const after = Date.now();
      if (lease) {
        // The take-over was decided before `after`, and only once the heartbeat was older than the ttl.
        expect(after - heartbeat).toBeGreaterThan(ttl);
        expect(before - heartbeat).toBeLessThan(ttl + 1_000);
        break;
      }
      if (after - heartbeat < ttl) refusedEarly++;
      expect(before - heartbeat).toBeLessThan(ttl + 1_000);
      await delay(25);
    }
    expect(refusedEarly).toBeGreaterThan(10);
    holder.proc.kill('SIGCONT');
    await holder.waitForLine(/^lost$/);
    expect((await locks.holder('stopped/leader'))?.ownerId).toBe('test');
  });
});
