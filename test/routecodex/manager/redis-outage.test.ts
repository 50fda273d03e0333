/**
 * Redis killed and restarted under load (this test's own redis-server on a spare port, no persistence):
 * two gateways on it keep answering every request a healthy upstream can serve; each logs ONE warning
 * for the outage; a cooldown and a sticky session made on one gateway during the outage reach Redis and
 * the other gateway once Redis is back (the restarted server is empty: the instances push their state).
 * A gateway also starts without Redis and pushes its state once Redis answers; token leases fall back
 * to file leases in the shared home while Redis is down.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRouteCodex, type RouteCodexServer } from '../../../src/routecodex/start.js';
import { startFakeUpstream } from '../../../src/routecodex/testing/fake-upstream/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { FallbackLeaseLocks } from '../../../src/routecodex/manager/store/fallback-locks.js';
import { FileLeaseLocks } from '../../../src/routecodex/manager/store/file/file-locks.js';
import { systemClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { openRedisStore, rawClient, startOwnRedis, uniquePrefix, until, type OwnRedis } from './redis-support.js';
import { captureLogger, ERROR, WARN, type CapturedLog } from './support.js';

const KEY_A = 'k-outage-a';
const KEY_B = 'k-outage-b';
const A_KEY = 'pa.key1.ma';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

interface Gateway {
  server: RouteCodexServer;
  log: CapturedLog;
}

async function chat(g: Gateway, content: string, opts: { session?: string; model?: string } = {}): Promise<{ status: number; route: string | null; key: string | null }> {
  const res = await fetch(`${g.server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(opts.session ? { 'x-session-id': opts.session } : {}) },
    body: JSON.stringify({ model: opts.model ?? 'default', messages: [{ role: 'user', content }] }),
  });
  await res.arrayBuffer();
  return { status: res.status, route: res.headers.get('x-routecodex-route'), key: res.headers.get('x-routecodex-provider-key') };
}

async function stateOf(g: Gateway, providerKey: string): Promise<string | undefined> {
  const body = (await (await fetch(`${g.server.url}/manager/state/health`)).json()) as { providers: Array<{ providerKey: string; state: string }> };
  return body.providers.find((p) => p.providerKey === providerKey)?.state;
}

const outageWarnings = (g: Gateway) => g.log.lines.filter((l) => l.level === WARN && /REDIS UNAVAILABLE/.test(l.msg)).length;

describe('Redis down and back, under load', () => {
  it('serves every request, warns once per gateway, and reconciles the state made during the outage', async () => {
    const redis: OwnRedis = await startOwnRedis();
    cleanups.push(() => redis.kill());
    const upstream = await startFakeUpstream();
    cleanups.push(() => upstream.close());
    const home = await tempDir('rcx-outage-');
    cleanups.push(home.remove);
    const prefix = uniquePrefix('outage');
    const document = (serverId: string) => ({
      serverId,
      manager: { store: 'redis', redisUrl: redis.url, redisKeyPrefix: prefix },
      virtualrouter: {
        providers: {
          pa: { type: 'openai', baseURL: `${upstream.url}/v1`, auth: { type: 'apikey', apiKey: KEY_A }, models: ['ma'] },
          pb: { type: 'openai', baseURL: `${upstream.url}/v1`, auth: { type: 'apikey', apiKey: KEY_B }, models: ['mb'] },
        },
        routing: { default: [{ id: 'first', priority: 200, targets: ['pa.ma'] }, { id: 'second', priority: 100, targets: ['pb.mb'] }], load: ['pb.mb'] },
      },
    });
    const gateways: Gateway[] = [];
    for (const id of ['g1', 'g2']) {
      const log = captureLogger();
      const server = await startRouteCodex({ home: home.path, env: {}, document: document(id), port: 0, logger: log.logger });
      cleanups.push(() => server.close());
      gateways.push({ server, log });
    }
    const [g1, g2] = gateways as [Gateway, Gateway];

    // ---- load: 4 workers alternating between the gateways (sessions included), bounded in count and time.
    let stop = false;
    let served = 0;
    const failures: string[] = [];
    const started = Date.now();
    const workers = Array.from({ length: 4 }, async (_, w) => {
      for (let n = 0; !stop && n < 5_000 && Date.now() - started < 30_000; n++) {
        const r = await chat(gateways[(w + n) % 2]!, `load ${w}/${n}`, { model: 'load', session: `load-${w}-${n % 5}` });
        if (r.status === 200) served++;
        else failures.push(`worker ${w} request ${n}: ${r.status}`);
      }
    });
    await until(() => (served >= 100 ? true : undefined), 10_000, 'load to run');

    // ---- Redis dies: both gateways warn (once), and keep serving from local state.
    await redis.kill();
    await Promise.all(gateways.map((g) => g.log.waitFor(/REDIS UNAVAILABLE/)));
    const servedAtOutage = served;
    upstream.addRules({ match: { apiKey: KEY_A }, times: 1, reply: { fault: { status: 429, retryAfter: 30 } } });
    expect(await chat(g1, 'a 429 while Redis is down')).toMatchObject({ status: 200, key: 'pb.key1.mb' });
    expect(await stateOf(g1, A_KEY)).toBe('cooling');
    expect(await stateOf(g2, A_KEY)).toBe('healthy'); // nobody could tell it
    expect((await chat(g1, '<**!pb.mb**> stick', { session: 'outage-sticky' })).route).toBe('sticky:pb.mb');
    await until(() => (served >= servedAtOutage + 200 ? true : undefined), 10_000, 'load to go on during the outage');

    // ---- Redis comes back empty (a new process): local state is pushed, the other gateway learns it.
    await redis.start();
    await Promise.all(gateways.map((g) => g.log.waitFor(/redis is reachable again/)));
    const t0 = performance.now();
    await until(async () => ((await stateOf(g2, A_KEY)) === 'cooling' ? true : undefined), 5_000, 'g2 to see the cooldown made during the outage');
    await until(async () => ((await fetch(`${g2.server.url}/manager/state/routing/outage-sticky`)).status === 200 ? true : undefined), 5_000, 'g2 to see the session');
    console.log(`after Redis returned, g2 had the outage's cooldown and session in ${(performance.now() - t0).toFixed(0)} ms`);
    expect((await chat(g2, 'sticky after', { session: 'outage-sticky' })).route).toBe('sticky:pb.mb');
    const servedAtReturn = served;
    await until(() => (served >= servedAtReturn + 100 ? true : undefined), 10_000, 'load to go on after the outage');
    stop = true;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(gateways.map(outageWarnings)).toEqual([1, 1]);
    // Nothing else is loud: no error lines, no warning per request.
    for (const g of gateways) expect(g.log.lines.filter((l) => l.level >= ERROR).map((l) => l.msg)).toEqual([]);
    for (const g of gateways) expect(g.log.lines.filter((l) => l.level === WARN).length).toBeLessThanOrEqual(3);
    const client = await rawClient(redis.url);
    try {
      expect(JSON.parse((await client.get(`${prefix}health:${A_KEY}`)) ?? '{}')).toMatchObject({ state: 'cooling', reason: 'rate_limit' });
      expect(await client.exists(`${prefix}session:outage-sticky`)).toBe(1);
    } finally {
      client.disconnect();
    }
  }, 60_000);

  it('starts while Redis is unreachable, serves on local state, and pushes that state once Redis answers', async () => {
    const redis: OwnRedis = await startOwnRedis();
    cleanups.push(() => redis.kill());
    await redis.kill(); // nothing listens on its port now
    const upstream = await startFakeUpstream();
    cleanups.push(() => upstream.close());
    const home = await tempDir('rcx-outage-');
    cleanups.push(home.remove);
    const prefix = uniquePrefix('late');
    const log = captureLogger();
    const server = await startRouteCodex({
      home: home.path,
      env: {},
      port: 0,
      logger: log.logger,
      document: {
        serverId: 'late',
        manager: { store: 'redis', redisUrl: redis.url, redisKeyPrefix: prefix },
        virtualrouter: {
          providers: {
            pa: { type: 'openai', baseURL: `${upstream.url}/v1`, auth: { type: 'apikey', apiKey: KEY_A }, models: ['ma'] },
            pb: { type: 'openai', baseURL: `${upstream.url}/v1`, auth: { type: 'apikey', apiKey: KEY_B }, models: ['mb'] },
          },
          routing: { default: [{ id: 'first', priority: 200, targets: ['pa.ma'] }, { id: 'second', priority: 100, targets: ['pb.mb'] }] },
        },
      },
    });
    cleanups.push(() => server.close());
    const g: Gateway = { server, log };
    expect(outageWarnings(g)).toBe(1);
    upstream.addRules({ match: { apiKey: KEY_A }, times: 1, reply: { fault: { status: 429, retryAfter: 30 } } });
    expect(await chat(g, 'no redis yet')).toMatchObject({ status: 200, key: 'pb.key1.mb' });
    for (let n = 0; n < 20; n++) expect((await chat(g, `more ${n}`)).status).toBe(200);
    const modules = (await (await fetch(`${server.url}/manager/state/modules`)).json()) as { modules: Array<{ id: string; status: string }> };
    expect(modules.modules.every((m) => m.status === 'started')).toBe(true);

    await redis.start();
    await log.waitFor(/redis is reachable again/);
    const client = await rawClient(redis.url);
    cleanups.push(async () => client.disconnect());
    const stored = await until(async () => (await client.get(`${prefix}health:${A_KEY}`)) ?? undefined, 5_000, 'the pushed cooldown');
    expect(JSON.parse(stored)).toMatchObject({ state: 'cooling', reason: 'rate_limit' });
    expect(outageWarnings(g)).toBe(1);
  }, 30_000);

  it('token leases fall back to file leases in the shared home while Redis is down (refreshes stay single-flight)', async () => {
    const redis: OwnRedis = await startOwnRedis();
    cleanups.push(() => redis.kill());
    const home = await tempDir('rcx-outage-locks-');
    cleanups.push(home.remove);
    const prefix = uniquePrefix('locks');
    const instances = await Promise.all([1, 2].map(() => openRedisStore(prefix, systemClock, silentLogger(), { redisUrl: redis.url })));
    for (const st of instances) cleanups.push(() => st.close());
    const locks = instances.map((st) => new FallbackLeaseLocks(st.locks, new FileLeaseLocks(path.join(home.path, 'state'), systemClock, () => undefined)));
    const viaRedis = (await locks[0]!.acquire('token-refresh/x', 'one', 10_000))!;
    expect(await locks[1]!.acquire('token-refresh/x', 'two', 10_000)).toBeUndefined();
    await locks[0]!.release(viaRedis);
    await redis.kill();
    await until(() => (instances.every((st) => !st.link.available) ? true : undefined), 5_000, 'both to notice the outage');
    const viaFile = (await locks[0]!.acquire('token-refresh/x', 'one', 10_000))!;
    expect(viaFile).toBeDefined();
    expect(await locks[1]!.acquire('token-refresh/x', 'two', 10_000)).toBeUndefined();
    expect((await locks[1]!.holder('token-refresh/x'))?.ownerId).toBe('one');
    await locks[0]!.release(viaFile);
    expect(await locks[1]!.acquire('token-refresh/x', 'two', 10_000)).toBeDefined();
  });
});

