/**
 * health.jsonl: load = last valid snapshot + later lines, torn/corrupt lines skipped and reported, expired
 * records dropped; compaction keeps the snapshot and the recent events; a compaction killed between its
 * temp write and its rename (a real SIGKILLed process) loses nothing acknowledged.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { FileManagerStore } from '../../../src/routecodex/manager/store/file/file-store.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { killAllChildren, spawnNode } from './child-process.js';
import { captureLogger, ev, fileStore, rec, WARN } from './support.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await killAllChildren();
  while (cleanups.length) await cleanups.pop()!();
});

async function home(): Promise<string> {
  const dir = await tempDir('rcx-health-');
  cleanups.push(dir.remove);
  return dir.path;
}

const healthFile = (h: string, serverId = 'unit') => path.join(h, 'state', 'router', serverId, 'health.jsonl');
const line = (v: unknown) => `${JSON.stringify(v)}\n`;
const T = 1_700_000_000_000;

async function writeLines(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
}

async function fileLines(file: string): Promise<Array<Record<string, unknown>>> {
  return (await fs.readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('health.jsonl load', () => {
  it('replays the LAST VALID snapshot and the record/remove lines after it; torn and corrupt lines are skipped and reported', async () => {
    const h = await home();
    const cooling = (k: string) => rec(k, { state: 'cooling', reason: 'rate_limit', rateLimitStep: 1, cooldownExpiresAt: T + 60_000, updatedAt: T });
    await writeLines(
      healthFile(h),
      line({ kind: 'snapshot', at: T, records: [cooling('a')] }) +
        line({ kind: 'record', at: T, record: cooling('b') }) +
        line({ kind: 'snapshot', at: T, records: [cooling('c'), cooling('x')] }) +
        'this is not json\n' +
        line({ kind: 'record', at: T, record: cooling('d') }) +
        line({ kind: 'remove', at: T, providerKey: 'x' }) +
        line({ kind: 'snapshot', at: T, records: [{ providerKey: 5 }] }) + // valid JSON, invalid snapshot: not the last VALID one
        line({ kind: 'event', at: T, event: ev('c', T) }) +
        line({ kind: 'record', at: T, record: cooling('e') }) +
        '{"kind":"record","at":1700000000000,"record":{"providerKey":"torn"', // a crash mid-append
    );
    const cap = captureLogger();
    const store = fileStore(h, new ManualClock(T + 1_000), cap.logger);
    const loaded = await store.health.load(T + 1_000);
    expect(loaded.map((r) => r.providerKey).sort()).toEqual(['c', 'd', 'e']);
    expect(loaded.find((r) => r.providerKey === 'c')).toEqual(cooling('c'));
    const warnings = cap.lines.filter((l) => l.level === WARN);
    expect(warnings).toHaveLength(3); // the garbage line, the invalid snapshot, the torn last line
    expect(warnings.every((w) => w.file === healthFile(h))).toBe(true);
    expect(await store.health.recentEvents(10)).toEqual([ev('c', T)]);
  });

  it('drops expired records: an expired cooldown or trip without a recent failure count', async () => {
    const h = await home();
    const now = T + 10 * 60_000;
    const records = [
      rec('cooling-live', { state: 'cooling', reason: 'server', failureCount: 3, cooldownExpiresAt: now + 1 }),
      rec('tripped-live', { state: 'tripped', reason: 'auth', cooldownExpiresAt: now + 60_000 }),
      rec('cooling-expired', { state: 'cooling', reason: 'rate_limit', cooldownExpiresAt: now - 1 }),
      rec('tripped-expired', { state: 'tripped', reason: 'quota', cooldownExpiresAt: now }),
      // Still counting failures: kept (it comes back half-open, as it was).
      rec('expired-but-counting', { state: 'cooling', reason: 'server', failureCount: 3, cooldownExpiresAt: now - 1, updatedAt: now - 60_000 }),
      rec('healthy-counting', { failureCount: 2, updatedAt: now - 60_000 }),
      // A failure count older than healthTtlMs (1 h in these tests) is forgotten.
      rec('healthy-stale-count', { failureCount: 2, updatedAt: now - 2 * 3_600_000 }),
      rec('healthy-clean', { lastSuccessAt: now - 5 }),
    ];
    const store = fileStore(h, new ManualClock(now), silentLogger());
    for (const r of records) await store.health.save(r);
    const kept = (await store.health.load(now)).map((r) => r.providerKey).sort();
    expect(kept).toEqual(['cooling-live', 'expired-but-counting', 'healthy-counting', 'tripped-live']);
  });

  it('appends one complete line per write, terminating a torn last line first', async () => {
    const h = await home();
    await writeLines(healthFile(h), '{"kind":"rec');
    const store = fileStore(h, new ManualClock(T), silentLogger());
    const r = rec('a', { failureCount: 1 });
    await store.health.save(r);
    await store.health.remove('gone');
    await store.health.appendEvent(ev('a', T));
    const text = await fs.readFile(healthFile(h), 'utf8');
    expect(text.split('\n')).toEqual(['{"kind":"rec', line({ kind: 'record', at: T, record: r }).trim(), line({ kind: 'remove', at: T, providerKey: 'gone' }).trim(), line({ kind: 'event', at: T, event: ev('a', T) }).trim(), '']);
    expect(await store.health.load(T)).toEqual([r]);
  });

  it('subscribe never fires on a file store, and unsubscribing works', async () => {
    const store = fileStore(await home(), new ManualClock(T), silentLogger());
    const unsubscribe = store.health.subscribe(() => expect.fail('a file store has no other writers'));
    await store.health.save(rec('a', { failureCount: 1 }));
    unsubscribe();
    unsubscribe();
  });
});

describe('health.jsonl compaction', () => {
  it('keeps one snapshot of the retained records plus the events of the last healthTtlMs, at most healthMaxEvents', async () => {
    const h = await home();
    const clock = new ManualClock(T);
    const store = fileStore(h, clock, silentLogger(), { healthTtlMs: 3_600_000, healthMaxEvents: 5 });
    const live = rec('live', { state: 'cooling', reason: 'server', failureCount: 3, cooldownExpiresAt: T + 7_200_000, updatedAt: T });
    await store.health.save(rec('expired', { state: 'cooling', reason: 'rate_limit', cooldownExpiresAt: T + 1_000, updatedAt: T }));
    await store.health.save(live);
    await store.health.save(rec('removed', { failureCount: 1 }));
    await store.health.remove('removed');
    for (let i = 0; i < 4; i++) await store.health.appendEvent(ev('live', T + i)); // older than the TTL at compaction time
    for (let i = 0; i < 8; i++) await store.health.appendEvent(ev('live', T + 3_000_000 + i));
    await fs.appendFile(healthFile(h), 'garbage line\n');
    await fs.writeFile(path.join(path.dirname(healthFile(h)), '.health.jsonl.999.deadbeef.compact.tmp'), 'half a compaction');

    const now = T + 3_700_000;
    await store.health.compact(now);
    const lines = await fileLines(healthFile(h));
    expect(lines[0]).toEqual({ kind: 'snapshot', at: now, records: [live] });
    expect(lines.slice(1)).toEqual([3, 4, 5, 6, 7].map((i) => ({ kind: 'event', at: T + 3_000_000 + i, event: ev('live', T + 3_000_000 + i) })));
    expect(await fs.readdir(path.dirname(healthFile(h)))).not.toContain('.health.jsonl.999.deadbeef.compact.tmp');
    expect(await store.health.load(now)).toEqual([live]);
    // Appends go on after the snapshot.
    await store.health.remove('live');
    expect(await store.health.load(now)).toEqual([]);
  });

  it('appends made while a compaction runs wait for it and are kept', async () => {
    const h = await home();
    const store = fileStore(h, new ManualClock(T), silentLogger());
    for (let i = 0; i < 20; i++) await store.health.appendEvent(ev('a', T + i));
    const writes = [store.health.compact(T + 100), ...Array.from({ length: 30 }, (_, i) => store.health.save(rec(`k${i}`, { failureCount: i + 1 })))];
    await Promise.all(writes);
    expect((await store.health.load(T + 100)).map((r) => r.providerKey).sort()).toEqual(Array.from({ length: 30 }, (_, i) => `k${i}`).sort());
    expect(await store.health.recentEvents(100)).toHaveLength(20);
  });

  it('compacts by itself once the file passes healthCompactBytes', async () => {
    const h = await home();
    const store = fileStore(h, new ManualClock(T), silentLogger(), { healthCompactBytes: 4_000, healthMaxEvents: 10 });
    await store.health.save(rec('a', { failureCount: 1 }));
    for (let i = 0; i < 60; i++) await store.health.appendEvent(ev('a', T + i));
    await store.close(); // waits for the compaction the appends triggered
    const lines = await fileLines(healthFile(h));
    expect(lines[0]!.kind).toBe('snapshot');
    expect((await fs.stat(healthFile(h))).size).toBeLessThan(8_000);
    expect(await store.health.load(T)).toEqual([rec('a', { failureCount: 1 })]);
    expect((await store.health.recentEvents(100)).at(-1)).toEqual(ev('a', T + 59));
  });

  it('a process SIGKILLed between the temp write and the rename leaves the old complete file; nothing acknowledged is lost', async () => {
    const h = await home();
    const child = spawnNode(['bin/run-ts.mjs', 'test/routecodex/manager/fixtures/compact-crash-child.ts', h, '5', '12']);
    const temp = (await child.waitForLine(/^TEMP (.+)$/))[1]!;
    const { signal } = await child.kill('SIGKILL');
    expect(signal).toBe('SIGKILL');
    expect(child.lines).not.toContain('UNREACHABLE');
    const acked = {
      records: child.lines.flatMap((l) => l.match(/^ACK record (.+)$/)?.[1] ?? []),
      events: child.lines.flatMap((l) => l.match(/^ACK event (\d+)$/)?.[1] ?? []).map((n) => `event ${n}`),
    };
    expect(acked.records).toHaveLength(5);
    expect(acked.events).toHaveLength(12);
    // The complete temp file is there, never renamed; the file is the old one, plus a torn line of a
    // write that crashed (never acknowledged).
    await expect(fs.access(temp)).resolves.toBeUndefined();
    await fs.appendFile(healthFile(h, 'crash'), '{"kind":"event","at":17000');

    const cap = captureLogger();
    const store = new FileManagerStore({ home: h, serverId: 'crash', manager: { healthTtlMs: 3_600_000, healthMaxEvents: 1000, healthCompactBytes: 1_048_576 }, clock: new ManualClock(Date.now()), logger: cap.logger });
    const loaded = await store.health.load(Date.now());
    expect(loaded.map((r) => r.providerKey).sort()).toEqual([...acked.records].sort());
    expect((await store.health.recentEvents(1000)).map((e) => e.message)).toEqual(acked.events);
    // The torn line, reported by each of the two reads.
    expect(cap.lines.filter((l) => l.level === WARN).map((l) => l.preview)).toEqual(['{"kind":"event","at":17000', '{"kind":"event","at":17000']);

    // Recovery: once the dead process's lock is stale (proper-lockfile: 10 s), the next compaction removes
    // the orphaned temp file and rewrites the file, still with everything acknowledged.
    await store.health.compact(Date.now());
    await expect(fs.access(temp)).rejects.toThrow();
    expect((await fileLines(healthFile(h, 'crash')))[0]!.kind).toBe('snapshot');
    expect((await store.health.load(Date.now())).map((r) => r.providerKey).sort()).toEqual([...acked.records].sort());
    expect((await store.health.recentEvents(1000)).map((e) => e.message)).toEqual(acked.events);
  }, 25_000);
});
