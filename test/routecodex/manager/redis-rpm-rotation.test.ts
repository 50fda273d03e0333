/**
 * Through two gateways (in-process) on one Redis: a model's `rpm` is one window for all instances — a
 * key whose window is full is skipped like a cooling key (`rpm limit` in explain, the next pool serves);
 * when every target is at its limit the client gets a 503 with Retry-After; and a round-robin pool
 * rotates evenly across the instances together.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startRouteCodex, type RouteCodexServer } from '../../../src/routecodex/start.js';
import { startFakeUpstream, type FakeUpstream } from '../../../src/routecodex/testing/fake-upstream/index.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { dropPrefix, rawClient, SHARED_REDIS_URL, uniquePrefix } from './redis-support.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let prefix = '';

async function twoGateways(upstream: FakeUpstream): Promise<RouteCodexServer[]> {
  const home = await tempDir('rcx-rpm-');
  prefix = uniquePrefix('rpm');
  cleanups.push(async () => {
    await home.remove();
    await dropPrefix(prefix);
  });
  const provider = (key: string, model: string, info: Record<string, unknown> | null = null) => ({
    type: 'openai',
    baseURL: `${upstream.url}/v1`,
    auth: { type: 'apikey', apiKey: key },
    models: { [model]: info },
  });
  const servers: RouteCodexServer[] = [];
  for (const id of ['g1', 'g2']) {
    const server = await startRouteCodex({
      home: home.path,
      env: {},
      port: 0,
      logger: silentLogger(),
      document: {
        serverId: id,
        manager: { store: 'redis', redisUrl: SHARED_REDIS_URL, redisKeyPrefix: prefix },
        virtualrouter: {
          providers: { pa: provider('k-a', 'ma', { rpm: 3 }), pb: provider('k-b', 'mb'), pc: provider('k-c', 'mc'), pd: provider('k-d', 'md') },
          routing: {
            default: [{ id: 'limited', priority: 200, targets: ['pa.ma'] }, { id: 'spare', priority: 100, targets: ['pb.mb'] }],
            rr: ['pb.mb', 'pc.mc', 'pd.md'],
          },
        },
      },
    });
    cleanups.push(() => server.close());
    servers.push(server);
  }
  return servers;
}

async function chat(s: RouteCodexServer, model: string): Promise<{ status: number; key: string | null; retryAfter: string | null }> {
  const res = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }) });
  await res.arrayBuffer();
  return { status: res.status, key: res.headers.get('x-routecodex-provider-key'), retryAfter: res.headers.get('retry-after') };
}

describe('rpm and round-robin shared by instances', () => {
  it('rpm: 3 requests a minute to pa across both gateways, then the next pool; explain says why', async () => {
    const upstream = await startFakeUpstream();
    cleanups.push(() => upstream.close());
    const [g1, g2] = (await twoGateways(upstream)) as [RouteCodexServer, RouteCodexServer];
    const keys: Array<string | null> = [];
    for (let n = 0; n < 6; n++) keys.push((await chat(n % 2 === 0 ? g1 : g2, 'default')).key);
    expect(keys).toEqual(['pa.key1.ma', 'pa.key1.ma', 'pa.key1.ma', 'pb.key1.mb', 'pb.key1.mb', 'pb.key1.mb']);
    const explain = (await (await fetch(`${g2.url}/debug/route/explain`, { method: 'POST', body: JSON.stringify({ model: 'default', messages: [{ role: 'user', content: 'x' }] }) })).json()) as {
      candidates: Array<{ providerKey: string; kept: boolean; reason?: string }>;
    };
    expect(explain.candidates.find((c) => c.providerKey === 'pa.key1.ma')).toEqual({ providerKey: 'pa.key1.ma', pool: 'default/limited', kept: false, reason: 'rpm limit' });
    // Only pa at its limit: 503 with a Retry-After, never a call upstream.
    const before = upstream.requests().length;
    const refused = await chat(g1, 'pa.ma');
    expect(refused.status).toBe(503);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    expect(upstream.requests().length).toBe(before);
  });

  it('a round-robin pool rotates evenly over the requests of both gateways together', async () => {
    const upstream = await startFakeUpstream();
    cleanups.push(() => upstream.close());
    const [g1, g2] = (await twoGateways(upstream)) as [RouteCodexServer, RouteCodexServer];
    const counts = new Map<string, number>();
    for (let n = 0; n < 96; n++) {
      const { key } = await chat(n % 2 === 0 ? g1 : g2, 'rr');
      counts.set(key!, (counts.get(key!) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['pb.key1.mb', 'pc.key1.mc', 'pd.key1.md']);
    for (const c of counts.values()) expect(Math.abs(c - 32)).toBeLessThanOrEqual(6);
    // The positions came from blocks reserved in Redis (one counter for the pool, shared by both).
    const client = await rawClient();
    try {
      const [, keys] = await client.scan('0', 'MATCH', `${prefix}counter:rr:*`, 'COUNT', 1000);
      expect(keys).toHaveLength(1);
      expect(Number(await client.get(keys[0]!))).toBeGreaterThanOrEqual(96 - 2); // less the first local position of each gateway
    } finally {
      client.disconnect();
    }
  });
});
