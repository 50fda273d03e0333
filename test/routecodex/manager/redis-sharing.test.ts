/**
 * What instances share through the Redis store, in-process (two stores on one key prefix are two
 * instances): cooldowns propagate within 1 s and the LONGER deadline always survives (LiteLLM's
 * re-cooled deployment keeps the shorter one); a change whose notice was missed is picked up by the
 * reconcile; sessions are write-behind and other instances' changes update the local cache; round-robin
 * positions and rpm windows are global without a round trip per request.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { UpstreamFailure } from '../../../src/routecodex/canonical/index.js';
import { HealthManager } from '../../../src/routecodex/manager/health/health-manager.js';
import { RoutingStateManager } from '../../../src/routecodex/manager/routing/routing-state-manager.js';
import { SharedRateGate } from '../../../src/routecodex/manager/routing/shared-rate-gate.js';
import { BlockRotationCounter } from '../../../src/routecodex/manager/routing/shared-rotation.js';
import type { RedisManagerStore } from '../../../src/routecodex/manager/store/redis/redis-store.js';
import type { ManagerContext } from '../../../src/routecodex/manager/types.js';
import { HealthTracker } from '../../../src/routecodex/router/health/health-tracker.js';
import { emptySessionState, type SessionRoutingState } from '../../../src/routecodex/router/session/state.js';
import { systemClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { dropPrefix, openRedisStore, rawClient, uniquePrefix, until } from './redis-support.js';
import { configWith, MANAGER } from './support.js';

const K = 'pa.key1.m';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Instance {
  store: RedisManagerStore;
  context: ManagerContext;
}

/** `n` instances on one fresh prefix. */
async function cluster(n: number, manager: Record<string, unknown> = {}): Promise<{ prefix: string; instances: Instance[] }> {
  const prefix = uniquePrefix('sharing');
  const home = await tempDir('rcx-sharing-');
  cleanups.push(async () => {
    await home.remove();
    await dropPrefix(prefix);
  });
  const instances: Instance[] = [];
  for (let i = 0; i < n; i++) {
    const store = await openRedisStore(prefix, systemClock, silentLogger());
    cleanups.push(() => store.close());
    const config = await configWith(home.path, { store: 'redis', redisKeyPrefix: prefix, ...manager });
    instances.push({ store, context: { serverId: `unit-${i}`, home: home.path, config, store, logger: silentLogger(), clock: systemClock } });
  }
  return { prefix, instances };
}

async function healthOf(i: Instance, reconcileIntervalMs?: number): Promise<{ manager: HealthManager; tracker: HealthTracker }> {
  const manager = new HealthManager(reconcileIntervalMs !== undefined ? { reconcileIntervalMs } : {});
  await manager.init(i.context);
  manager.start();
  cleanups.push(() => manager.stop());
  return { manager, tracker: new HealthTracker(manager.store, i.context.config.raw.virtualrouter.health, systemClock) };
}

const rateLimited = (retryAfterMs: number) => new UpstreamFailure({ class: 'rate_limit', status: 429, message: 'slow down', retryAfterMs });

describe('health across instances', () => {
  it('a cooldown set on one instance is honoured by the others within 1 s', async () => {
    const { instances } = await cluster(3);
    const [a, b, c] = await Promise.all(instances.map((i) => healthOf(i)));
    const t0 = performance.now();
    a!.tracker.reportFailure(K, rateLimited(30_000));
    const seen = await Promise.all([b!, c!].map((x) => until(() => (x.tracker.isAvailable(K) ? undefined : performance.now() - t0), 1_000, 'the cooldown')));
    console.log(`in-process cooldown propagation: ${seen.map((ms) => ms.toFixed(1)).join(' ms, ')} ms`);
    expect(b!.tracker.view(K)).toMatchObject({ state: 'cooling', reason: 'rate_limit', cooldownExpiresAt: a!.tracker.view(K).cooldownExpiresAt });
  });

  it('two instances cooling one key: every instance ends with the LATER deadline, whatever the order', async () => {
    const { instances } = await cluster(2);
    const [a, b] = await Promise.all(instances.map((i) => healthOf(i)));
    a!.tracker.reportFailure(K, rateLimited(60_000));
    b!.tracker.reportFailure(K, rateLimited(5_000)); // its own, shorter view (it had not heard of A's yet)
    const longer = a!.tracker.view(K).cooldownExpiresAt!;
    await until(() => (b!.tracker.view(K).cooldownExpiresAt === longer ? true : undefined), 1_000, 'B to adopt the longer cooldown');
    await a!.manager.store.flush();
    await b!.manager.store.flush();
    expect(a!.tracker.view(K).cooldownExpiresAt).toBe(longer);
    // A success on B that raced the cooldown does not end it anywhere.
    b!.tracker.reportSuccess(K);
    await b!.manager.store.flush();
    await until(() => (b!.tracker.view(K).state === 'cooling' ? true : undefined), 1_000, 'B to keep the cooldown');
    expect(a!.tracker.view(K)).toMatchObject({ state: 'cooling', cooldownExpiresAt: longer });
  });

  it('a change whose notice never arrived is picked up by the periodic reconcile', async () => {
    const { prefix, instances } = await cluster(1);
    const b = await healthOf(instances[0]!, 100);
    const client = await rawClient();
    cleanups.push(async () => client.disconnect());
    const until60 = Date.now() + 60_000;
    const record = { providerKey: K, state: 'tripped', reason: 'auth', failureCount: 0, rateLimitStep: 0, cooldownExpiresAt: until60, updatedAt: Date.now() };
    await client.set(`${prefix}health:${K}`, JSON.stringify(record), 'PX', 60_000); // no notice published
    await until(() => (b.tracker.view(K).state === 'tripped' ? true : undefined), 2_000, 'the reconcile');
    expect(b.tracker.view(K).cooldownExpiresAt).toBe(until60);
  });

  it('Redis keeps a record only as long as it is relevant', async () => {
    const { prefix, instances } = await cluster(1);
    const a = await healthOf(instances[0]!);
    const policy = instances[0]!.context.config.raw;
    a.tracker.reportFailure(K, new UpstreamFailure({ class: 'auth', status: 401, message: 'bad key' })); // a trip, nothing counted
    a.tracker.reportFailure('pa.key2.m', new UpstreamFailure({ class: 'server', status: 500, message: 'x' })); // a failure count
    a.tracker.reportSuccess('pa.key3.m'); // nothing to keep
    await a.manager.store.flush();
    const client = await rawClient();
    cleanups.push(async () => client.disconnect());
    const tripTtl = await client.pttl(`${prefix}health:${K}`);
    expect(tripTtl).toBeGreaterThan(policy.virtualrouter.health.fatalCooldownMs - 5_000);
    expect(tripTtl).toBeLessThanOrEqual(policy.virtualrouter.health.fatalCooldownMs);
    const countTtl = await client.pttl(`${prefix}health:pa.key2.m`);
    expect(countTtl).toBeGreaterThan(MANAGER.healthTtlMs - 5_000); // the store's healthTtlMs: the file store's retention rule
    expect(countTtl).toBeLessThanOrEqual(MANAGER.healthTtlMs);
    expect(await client.exists(`${prefix}health:pa.key3.m`)).toBe(0);
  });
});

describe('sessions across instances', () => {
  function state(id: string, provider: string): SessionRoutingState {
    const s = emptySessionState(id, Date.now());
    return { ...s, disabled: { ...s.disabled, providers: [provider] } };
  }

  async function rsm(i: Instance): Promise<RoutingStateManager> {
    const m = new RoutingStateManager();
    m.init(i.context);
    m.start();
    cleanups.push(() => m.stop());
    return m;
  }

  it('update returns once the cache has the change: the store write is behind it, in order', async () => {
    const { instances } = await cluster(1);
    const inst = instances[0]!;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const put = inst.store.sessions.put.bind(inst.store.sessions);
    const writes: string[] = [];
    inst.store.sessions.put = async (s, ttl) => {
      await gate;
      writes.push(s.disabled.providers[0]!);
      return put(s, ttl);
    };
    const m = await rsm(inst);
    await m.update('s', () => state('s', 'p1')); // a miss: one read, no write awaited
    await m.update('s', () => state('s', 'p2')); // cached: synchronous
    expect((await m.get('s'))?.disabled.providers).toEqual(['p2']);
    expect(writes).toEqual([]);
    release();
    await until(() => (writes.length === 2 ? true : undefined), 2_000, 'the writes');
    expect(writes).toEqual(['p1', 'p2']);
  });

  it('another instance\'s change replaces the cached state (also a cached "no state")', async () => {
    const { instances } = await cluster(2);
    const [a, b] = [await rsm(instances[0]!), await rsm(instances[1]!)];
    expect(await b.get('shared')).toBeUndefined(); // cached as "no state"
    await a.update('shared', () => state('shared', 'pa'));
    await until(async () => ((await b.get('shared'))?.disabled.providers[0] === 'pa' ? true : undefined), 1_000, 'B to see A\'s state');
    await a.update('shared', (cur) => ({ ...cur!, disabled: { ...cur!.disabled, providers: ['pb'] }, updatedAt: cur!.updatedAt + 1 }));
    await until(async () => ((await b.get('shared'))?.disabled.providers[0] === 'pb' ? true : undefined), 1_000, 'B to see the change');
    await a.update('shared', () => undefined);
    await until(async () => ((await b.get('shared')) === undefined ? true : undefined), 1_000, 'B to see the removal');
  });
});

describe('counters across instances', () => {
  it('round-robin positions: blocks reserved in Redis, handed out locally, never twice across instances', async () => {
    const { instances } = await cluster(3);
    const counters = instances.map((i) => new BlockRotationCounter(i.store.counters, silentLogger(), 8));
    for (const c of counters) {
      c.next('rr:pool'); // the first position is local: the first block is on its way
      await c.settled();
    }
    const positions: number[] = [];
    for (let round = 0; round < 40; round++) {
      for (const c of counters) {
        positions.push(c.next('rr:pool'));
        await c.settled(); // only so that blocks keep up in this tight loop
      }
    }
    expect(new Set(positions).size).toBe(positions.length);
    // Every reserved position lands on the keys evenly: over whole blocks, 3 keys get the same share.
    const perKey = [0, 1, 2].map((k) => positions.filter((p) => p % 3 === k).length);
    expect(Math.max(...perKey) - Math.min(...perKey)).toBeLessThanOrEqual(8);
  });

  it('an rpm window is shared: the limit counts requests of every instance', async () => {
    const { instances } = await cluster(2);
    const gates = instances.map((i) => new SharedRateGate(i.store.counters, systemClock, silentLogger()));
    const admitted: boolean[] = [];
    for (let n = 0; n < 8; n++) admitted.push(await gates[n % 2]!.admit('pa.key1.m', 5));
    expect(admitted).toEqual([true, true, true, true, true, false, false, false]);
    expect(gates[0]!.limitedUntil('pa.key1.m')).toBeGreaterThan(Date.now());
    expect(await gates[0]!.admit('pb.key1.m', 5)).toBe(true); // per key
  });
});
