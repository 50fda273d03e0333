/**
 * One conformance suite for every ManagerStore (in the style of LangGraph's checkpoint-validation specs):
 * the same specs run against FileManagerStore (a temp home each) and RedisManagerStore (its own key prefix
 * each, on the shared Redis). Where the stores legitimately differ, the spec reads the store's
 * `capabilities` — `shared` (subscribe fires for other instances, counters are global) and
 * `holderExpires` (a lapsed lease has no holder) — and asserts the behaviour each flag promises.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../../src/routecodex/manager/store/types.js';
import type { ProviderHealthRecord } from '../../../src/routecodex/router/health/types.js';
import { emptySessionState, type SessionRoutingState } from '../../../src/routecodex/router/session/state.js';
import { ManualClock, systemClock } from '../../../src/shared/clock.js';
import { until } from './redis-support.js';
import { MAX_EVENTS, subjects, TTL, type Opened } from './store-subjects.js';
import { ev, rec } from './support.js';

const T = 1_700_000_000_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const cooling = (key: string, until: number, over: Partial<ProviderHealthRecord> = {}): ProviderHealthRecord =>
  rec(key, { state: 'cooling', reason: 'rate_limit', rateLimitStep: 1, cooldownExpiresAt: until, updatedAt: T, ...over });

function sessionState(id: string, now: number): SessionRoutingState {
  const s = emptySessionState(id, now);
  return { ...s, disabled: { ...s.disabled, providers: ['pa'] }, pins: { default: 'pa.key1.m' } };
}

describe.each(subjects)('ManagerStore conformance: $name', (subject) => {
  async function place(): Promise<Opened> {
    const p = await subject.place();
    cleanups.push(p.cleanup);
    return p;
  }

  describe('health', () => {
    it('saves, loads and removes records; a later save of a key replaces its counters', async () => {
      const clock = new ManualClock(T);
      const store = await (await place()).open(clock);
      await store.health.save(cooling('a', T + 60_000));
      await store.health.save(rec('b', { failureCount: 2 }));
      await store.health.save(rec('b', { failureCount: 3, updatedAt: T + 1 }));
      const loaded = await store.health.load(T);
      expect(loaded.sort((x, y) => x.providerKey.localeCompare(y.providerKey))).toEqual([cooling('a', T + 60_000), rec('b', { failureCount: 3, updatedAt: T + 1 })]);
      await store.health.remove('a');
      expect((await store.health.load(T)).map((r) => r.providerKey)).toEqual(['b']);
    });

    it('load drops what expired: a cooldown after its deadline, failure counts after the ttl, clean records', async () => {
      const clock = new ManualClock(T);
      const store = await (await place()).open(clock);
      await store.health.save(cooling('short', T + 1_000, { rateLimitStep: 0 }));
      await store.health.save(cooling('long', T + 2 * TTL, { state: 'tripped', reason: 'auth', rateLimitStep: 0 }));
      await store.health.save(rec('counting', { failureCount: 2 }));
      await store.health.save(rec('clean', { lastSuccessAt: T }));
      const keys = async (now: number) => (await store.health.load(now)).map((r) => r.providerKey).sort();
      expect(await keys(T)).toEqual(['counting', 'long', 'short']);
      expect(await keys(T + 1_000)).toEqual(['counting', 'long']);
      expect(await keys(T + TTL)).toEqual(['long']);
      expect(await keys(T + 2 * TTL)).toEqual([]);
    });

    it('a save never shortens a running cooldown; a longer one extends it; an expired one is replaced', async () => {
      const clock = new ManualClock(T);
      const p = await place();
      const [a, b] = [await p.open(clock), await p.open(clock)];
      await a.health.save(cooling('k', T + 60_000, { reason: 'quota', state: 'tripped' }));
      clock.set(T + 1_000);
      // Another instance, later, with a shorter cooldown and then a success: the trip stays.
      await b.health.save(cooling('k', T + 10_000, { rateLimitStep: 2, updatedAt: T + 1_000 }));
      await b.health.save(rec('k', { lastSuccessAt: T + 1_500, updatedAt: T + 1_500 }));
      const [kept] = await a.health.load(T + 2_000);
      expect(kept).toMatchObject({ state: 'tripped', reason: 'quota', cooldownExpiresAt: T + 60_000, lastSuccessAt: T + 1_500 });
      await b.health.save(cooling('k', T + 120_000, { updatedAt: T + 2_000 }));
      expect((await a.health.load(T + 2_000))[0]).toMatchObject({ state: 'cooling', reason: 'rate_limit', cooldownExpiresAt: T + 120_000 });
      clock.set(T + 130_000);
      await b.health.save(cooling('k', T + 135_000, { updatedAt: T + 130_000 }));
      expect((await a.health.load(T + 130_000))[0]).toMatchObject({ cooldownExpiresAt: T + 135_000 });
    });

    it('keeps the newest events, oldest first, capped at healthMaxEvents after compaction', async () => {
      const clock = new ManualClock(T);
      const store = await (await place()).open(clock);
      for (let i = 0; i < MAX_EVENTS + 3; i++) await store.health.appendEvent(ev('k', T + i));
      await store.health.compact(T + 100);
      const events = await store.health.recentEvents(100);
      expect(events.map((e) => e.at)).toEqual(Array.from({ length: MAX_EVENTS }, (_, i) => T + 3 + i));
      expect((await store.health.recentEvents(2)).map((e) => e.at)).toEqual([T + MAX_EVENTS + 1, T + MAX_EVENTS + 2]);
      expect(await store.health.recentEvents(0)).toEqual([]);
      await store.health.compact(T + 3 + TTL + 1); // events older than the ttl go
      expect((await store.health.recentEvents(100)).map((e) => e.at)).toEqual(Array.from({ length: MAX_EVENTS - 1 }, (_, i) => T + 4 + i));
    });

    it('subscribe: other instances\' changes reach a shared store\'s listeners, never its own; a local store has none', async () => {
      const clock = new ManualClock(T);
      const p = await place();
      const [a, b] = [await p.open(clock), await p.open(clock)];
      const seen: Array<[string, number | undefined]> = [];
      const off = a.health.subscribe((key, record) => seen.push([key, record?.cooldownExpiresAt]));
      await a.health.save(cooling('own', T + 60_000));
      await b.health.save(cooling('theirs', T + 60_000));
      await b.health.remove('theirs');
      if (capabilitiesOf(a).shared) {
        await until(() => (seen.length >= 2 ? true : undefined), 2_000, 'two notices');
        expect(seen).toEqual([['theirs', T + 60_000], ['theirs', undefined]]);
      } else {
        expect(seen).toEqual([]);
      }
      off();
    });
  });

  describe('sessions', () => {
    it('puts, gets, expires ttl after the last write, removes', async () => {
      const clock = new ManualClock(T);
      const store = await (await place()).open(clock);
      const s = sessionState('s-1', T);
      await store.sessions.put(s, 60_000);
      expect(await store.sessions.get('s-1', T + 59_999)).toEqual(s);
      expect(await store.sessions.get('s-1', T + 60_000)).toBeUndefined();
      clock.set(T + 30_000);
      await store.sessions.put({ ...s, updatedAt: T + 30_000 }, 60_000); // renewed
      expect((await store.sessions.get('s-1', T + 80_000))?.updatedAt).toBe(T + 30_000);
      await store.sessions.remove('s-1');
      expect(await store.sessions.get('s-1', T + 30_000)).toBeUndefined();
      expect(await store.sessions.get('never', T)).toBeUndefined();
    });

    it('keeps ids apart that only differ in characters a file name or key cannot hold', async () => {
      const store = await (await place()).open(new ManualClock(T));
      for (const id of ['a/b', 'a:b', 'a b', 'a*b']) await store.sessions.put(sessionState(id, T), 60_000);
      for (const id of ['a/b', 'a:b', 'a b', 'a*b']) expect((await store.sessions.get(id, T))?.sessionId).toBe(id);
    });

    it('sweep removes expired states only and counts them', async () => {
      const clock = new ManualClock(T);
      const store = await (await place()).open(clock);
      await store.sessions.put(sessionState('old', T), 60_000);
      clock.set(T + 50_000);
      await store.sessions.put(sessionState('young', T + 50_000), 60_000);
      expect(await store.sessions.sweep(T + 60_000)).toBe(1);
      expect(await store.sessions.sweep(T + 60_000)).toBe(0);
      expect(await store.sessions.get('young', T + 60_000)).toBeDefined();
    });

    it('subscribe announces other instances\' writes on a shared store', async () => {
      const clock = new ManualClock(T);
      const p = await place();
      const [a, b] = [await p.open(clock), await p.open(clock)];
      const seen: string[] = [];
      const off = a.sessions.subscribe((id) => seen.push(id));
      await a.sessions.put(sessionState('own', T), 60_000);
      await b.sessions.put(sessionState('theirs', T), 60_000);
      await b.sessions.remove('theirs');
      if (capabilitiesOf(a).shared) await until(() => (seen.length >= 2 ? true : undefined), 2_000, 'two notices');
      expect(seen).toEqual(capabilitiesOf(a).shared ? ['theirs', 'theirs'] : []);
      off();
    });
  });

  describe('locks', () => {
    it('one holder at a time among concurrent contenders; release lets the next in with a larger fence', async () => {
      const p = await place();
      const stores = await Promise.all([1, 2, 3].map(() => p.open(systemClock)));
      const leases = await Promise.all(stores.flatMap((s, i) => [0, 1].map((j) => s.locks.acquire('race/leader', `owner-${i}-${j}`, 10_000))));
      const won = leases.filter((l) => l !== undefined);
      expect(won).toHaveLength(1);
      const first = won[0]!;
      expect(await stores[1]!.locks.holder('race/leader')).toMatchObject({ ownerId: first.holder.ownerId, pid: process.pid, fence: first.holder.fence });
      await stores[2]!.locks.release(first);
      const next = await stores[1]!.locks.acquire('race/leader', 'next', 10_000);
      expect(next?.holder.fence).toBeGreaterThan(first.holder.fence);
      await stores[1]!.locks.release(next!);
    });

    it('renew keeps a lease past its ttl; after the ttl without renewal it is taken over, and the old holder is fenced off', async () => {
      const p = await place();
      const [a, b] = [await p.open(systemClock), await p.open(systemClock)];
      const ttl = 300;
      const lease = (await a.locks.acquire('fenced/leader', 'a', ttl))!;
      const heldUntil = Date.now() + 2 * ttl;
      let lastRenew = Date.now();
      while (Date.now() < heldUntil) {
        lastRenew = Date.now();
        expect(await a.locks.renew(lease, ttl)).toBe(true);
        expect(await b.locks.acquire('fenced/leader', 'b', ttl)).toBeUndefined();
        await new Promise((r) => setTimeout(r, ttl / 4));
      }
      const taken = await until(() => b.locks.acquire('fenced/leader', 'b', 10_000), 5_000, 'take-over');
      expect(Date.now() - lastRenew).toBeGreaterThanOrEqual(ttl - 10);
      expect(taken.holder.fence).toBeGreaterThan(lease.holder.fence);
      // The old holder can neither renew nor release the new holder's lease.
      expect(await a.locks.renew(lease, ttl)).toBe(false);
      await a.locks.release(lease);
      expect((await b.locks.holder('fenced/leader'))?.ownerId).toBe('b');
      await b.locks.release(taken);
    });

    it('holder(): the live holder; after release none; after a lapse per `holderExpires`', async () => {
      const p = await place();
      const store = await p.open(systemClock);
      expect(await store.locks.holder('h/leader')).toBeUndefined();
      const lease = (await store.locks.acquire('h/leader', 'me', 150))!;
      expect(await store.locks.holder('h/leader')).toMatchObject({ ownerId: 'me', fence: lease.holder.fence });
      if (capabilitiesOf(store).holderExpires) {
        await until(async () => ((await store.locks.holder('h/leader')) === undefined ? true : undefined), 3_000, 'lapse');
      } else {
        const lapsed = lease.holder.heartbeatAt + 150;
        await until(() => (Date.now() > lapsed ? true : undefined), 2_000, 'the ttl to pass');
        // Past the ttl, the file still names its (stale) holder; only a contender judges it stale.
        expect((await store.locks.holder('h/leader'))?.ownerId).toBe('me');
      }
      await store.locks.release(lease);
      expect(await store.locks.holder('h/leader')).toBeUndefined();
    });
  });

  describe('counters', () => {
    it('next counts from 0 per name; reserve hands out consecutive blocks', async () => {
      const store = await (await place()).open(new ManualClock(T));
      expect([await store.counters.next('a'), await store.counters.next('a'), await store.counters.next('b'), await store.counters.next('a')]).toEqual([0, 1, 0, 2]);
      expect(await store.counters.reserve('a', 10)).toBe(3);
      expect(await store.counters.reserve('a', 10)).toBe(13);
      expect(await store.counters.next('a')).toBe(23);
    });

    it('hitWindow counts a sliding window, this hit included; with a limit, refused hits are not kept', async () => {
      const store = await (await place()).open(new ManualClock(T));
      const hit = (now: number, limit?: number) => store.counters.hitWindow('w', 1_000, now, limit);
      expect([await hit(T), await hit(T + 400), await hit(T + 999)]).toEqual([1, 2, 3]);
      expect(await hit(T + 1_000)).toBe(3); // the hit at T left the window
      expect(await hit(T + 1_001, 3)).toBeGreaterThan(3); // full: refused, not kept
      expect(await hit(T + 1_401, 3)).toBe(3); // T+400 left; the refused hit did not count
    });

    it('counters are shared by every instance of a shared store', async () => {
      const p = await place();
      const [a, b] = [await p.open(new ManualClock(T)), await p.open(new ManualClock(T))];
      const seq = [await a.counters.next('rr'), await b.counters.next('rr'), await a.counters.next('rr')];
      expect(seq).toEqual(capabilitiesOf(a).shared ? [0, 1, 2] : [0, 0, 1]);
    });
  });
});
