/**
 * HealthManager over a real file store: every cooldown, trip and provider error reaches health.jsonl
 * without the caller waiting; a restart restores what has not expired (and says so); persistence
 * failures are logged, never thrown; compaction runs on a timer and at stop.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamFailure, type FailureClass } from '../../../src/routecodex/canonical/index.js';
import { HealthManager } from '../../../src/routecodex/manager/health/health-manager.js';
import type { HealthPersistence, ManagerStore } from '../../../src/routecodex/manager/store/types.js';
import type { ManagerContext } from '../../../src/routecodex/manager/types.js';
import { HealthTracker } from '../../../src/routecodex/router/health/health-tracker.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { captureLogger, contextOf, ERROR, fileStore, type CapturedLog } from './support.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const K = 'pa.key1.m';
const T = 1_700_000_000_000;
const fail = (cls: FailureClass, extra: Partial<ConstructorParameters<typeof UpstreamFailure>[0]> = {}) => new UpstreamFailure({ class: cls, message: `${cls} happened`, ...extra });

interface Running {
  manager: HealthManager;
  tracker: HealthTracker;
  context: ManagerContext;
  cap: CapturedLog;
  stop(): Promise<void>;
}

async function homeDir(): Promise<string> {
  const home = await tempDir('rcx-hm-');
  cleanups.push(home.remove);
  return home.path;
}

/** One "process": a store, a HealthManager and a tracker on it, on `home`. */
async function boot(home: string, clock: ManualClock, wrap?: (h: HealthPersistence) => HealthPersistence, manager = new HealthManager()): Promise<Running> {
  const cap = captureLogger();
  const fileBacked = fileStore(home, clock, cap.logger);
  const store: ManagerStore = wrap
    ? { kind: 'file', health: wrap(fileBacked.health), sessions: fileBacked.sessions, locks: fileBacked.locks, counters: fileBacked.counters, close: () => fileBacked.close() }
    : fileBacked;
  const context = { ...(await contextOf(fileBacked, home, clock, cap.logger)), store };
  await manager.init(context);
  manager.start();
  const tracker = new HealthTracker(manager.store, context.config.raw.virtualrouter.health, clock);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await manager.stop();
    await store.close();
  };
  cleanups.push(stop);
  return { manager, tracker, context, cap, stop };
}

describe('HealthManager', () => {
  it('persists every cooldown, trip and provider error; a restart restores them and lists what it restored', async () => {
    const home = await homeDir();
    const clock = new ManualClock(T);
    const first = await boot(home, clock);
    first.tracker.reportFailure(K, fail('rate_limit', { status: 429, retryAfterMs: 60_000 }));
    first.tracker.reportFailure('pa.key2.m', fail('auth', { status: 401 }));
    for (let i = 0; i < 3; i++) first.tracker.reportFailure('pb.key1.m', fail('server', { status: 502 }));
    first.tracker.reportFailure('pc.key1.m', fail('network'));
    // Writes are queued, not awaited by the caller.
    expect(first.manager.store.stats.pendingWrites).toBeGreaterThan(0);
    await first.manager.store.flush();
    expect(first.manager.store.stats).toEqual({ pendingWrites: 0, failedWrites: 0 });
    expect((await first.context.store.health.recentEvents(100)).map((e) => `${e.providerKey}:${e.class}`)).toEqual([
      'pa.key1.m:rate_limit',
      'pa.key2.m:auth',
      'pb.key1.m:server',
      'pb.key1.m:server',
      'pb.key1.m:server',
      'pc.key1.m:network',
    ]);
    // A crash: no stop, no compaction. The next process restores from the appended lines.
    clock.advance(1_000);
    const second = await boot(home, clock);
    expect(second.manager.restored()).toEqual([
      { providerKey: K, state: 'cooling', reason: 'rate_limit', until: T + 60_000, failureCount: 0 },
      { providerKey: 'pa.key2.m', state: 'tripped', reason: 'auth', until: T + 600_000, failureCount: 0 },
      { providerKey: 'pb.key1.m', state: 'cooling', reason: 'server', until: T + 30_000, failureCount: 3 },
      { providerKey: 'pc.key1.m', state: 'healthy', failureCount: 1 },
    ]);
    expect(second.tracker.view(K)).toMatchObject({ state: 'cooling', reason: 'rate_limit', cooldownExpiresAt: T + 60_000 });
    expect(second.tracker.isAvailable(K)).toBe(false);
    expect(second.tracker.view('pb.key1.m').state).toBe('cooling');
    clock.set(T + 60_000);
    expect(second.tracker.view(K).state).toBe('half-open');
    second.tracker.reportSuccess(K);
    second.tracker.reset('pa.key2.m');
    await second.stop();

    const third = await boot(home, clock);
    expect(third.manager.restored().map((r) => r.providerKey)).toEqual(['pb.key1.m', 'pc.key1.m']);
    expect(third.tracker.view(K).state).toBe('healthy');
  });

  it('stop flushes the queued writes and compacts the file to one snapshot plus events', async () => {
    const home = await homeDir();
    const clock = new ManualClock(T);
    const run = await boot(home, clock);
    for (let i = 0; i < 5; i++) run.tracker.reportFailure(K, fail('rate_limit', { status: 429 }));
    await run.stop();
    const file = path.join(home, 'state', 'router', 'unit', 'health.jsonl');
    const lines = (await fs.readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; records?: unknown[] });
    expect(lines.map((l) => l.kind)).toEqual(['snapshot', 'event', 'event', 'event', 'event', 'event']);
    expect(lines[0]!.records).toEqual([run.tracker.record(K)]);
  });

  it('compacts on its timer', async () => {
    const home = await homeDir();
    let compacted: () => void = () => undefined;
    const compactedOnce = new Promise<void>((resolve) => (compacted = resolve));
    const wrap = (h: HealthPersistence): HealthPersistence => ({
      load: (now) => h.load(now),
      save: (r) => h.save(r),
      remove: (k) => h.remove(k),
      appendEvent: (e) => h.appendEvent(e),
      recentEvents: (n) => h.recentEvents(n),
      subscribe: (l) => h.subscribe(l),
      compact: async (now) => {
        await h.compact(now);
        compacted();
      },
    });
    const run = await boot(home, new ManualClock(T), wrap, new HealthManager({ compactIntervalMs: 5 }));
    run.tracker.reportFailure(K, fail('auth', { status: 403 }));
    await compactedOnce;
    await run.stop();
  });

  it('a persistence failure is logged loudly and never thrown into the caller; memory keeps serving', async () => {
    const home = await homeDir();
    // The server's state directory cannot be created: a file sits where it should be.
    await fs.mkdir(path.join(home, 'state', 'router'), { recursive: true });
    await fs.writeFile(path.join(home, 'state', 'router', 'unit'), 'not a directory');
    const clock = new ManualClock(T);
    const run = await boot(home, clock);
    expect(() => run.tracker.reportFailure(K, fail('rate_limit', { status: 429 }))).not.toThrow();
    expect(run.tracker.view(K).state).toBe('cooling');
    await run.manager.store.flush();
    expect(run.manager.store.stats).toEqual({ pendingWrites: 0, failedWrites: 2 });
    const errors = run.cap.lines.filter((l) => l.level === ERROR);
    expect(errors.map((l) => l.op)).toEqual(['save', 'appendEvent']);
    expect(errors[0]!.msg).toMatch(/HEALTH PERSISTENCE FAILED/);
    expect(errors[0]!.providerKey).toBe(K);
    run.tracker.reportSuccess(K);
    expect(run.tracker.view(K).state).toBe('healthy');
    await run.stop(); // the failing compaction at stop is logged, not thrown
    expect(run.cap.lines.some((l) => l.level === ERROR && /compaction failed/.test(l.msg))).toBe(true);
  });
});
