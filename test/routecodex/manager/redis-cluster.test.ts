/**
 * Three `routecodex start` PROCESSES on one Redis (distinct serverIds and ports, one key prefix, one
 * home for the token files), with the fake upstream and the fake OAuth server in this process:
 * a 429 on A is avoided by B and C within 1 s (measured); a sticky session made on A is honoured by C;
 * 200 concurrent requests across the three at a token's expiry make ONE refresh; SIGKILLing the token
 * leader hands the leadership to another instance within the lease's ttl (measured).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../../src/routecodex/testing/fake-upstream/index.js';
import { startFakeOAuth, type FakeOAuth } from '../../helpers/fake-oauth.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { killAllChildren, spawnNode, type Child } from './child-process.js';
import { dropPrefix, rawClient, SHARED_REDIS_URL, uniquePrefix, until } from './redis-support.js';

const A_KEY = 'pa.key1.ma';
const KEY_A = 'k-cluster-a';
const KEY_B = 'k-cluster-b';
const LEADER_TTL_MS = 2_000;

interface Instance {
  name: string;
  child: Child;
  url: string;
}

let upstream: FakeUpstream;
let oauth: FakeOAuth;
let home: { path: string; remove(): Promise<void> };
let prefix: string;
let tokenFile: string;
const instances: Instance[] = [];

function configOf(serverId: string): Record<string, unknown> {
  return {
    serverId,
    httpserver: { host: '127.0.0.1', port: 0 },
    logging: { level: 'info' },
    manager: { store: 'redis', redisUrl: SHARED_REDIS_URL, redisKeyPrefix: prefix, leaderTtlMs: LEADER_TTL_MS },
    virtualrouter: {
      providers: {
        pa: { type: 'openai', baseURL: `${upstream.url}/v1`, auth: { type: 'apikey', apiKey: KEY_A }, models: ['ma'] },
        pb: { type: 'openai', baseURL: `${upstream.url}/v1`, auth: { type: 'apikey', apiKey: KEY_B }, models: ['mb'] },
        qw: {
          type: 'openai',
          baseURL: `${upstream.url}/v1`,
          auth: { type: 'oauth', flow: 'device-code', tokenEndpoint: oauth.tokenEndpoint, deviceEndpoint: oauth.deviceEndpoint, clientId: 'client-1', refreshAheadMs: 60_000 },
          models: ['qwen-test'],
        },
      },
      routing: { default: [{ id: 'first', priority: 200, targets: ['pa.ma'] }, { id: 'second', priority: 100, targets: ['pb.mb'] }] },
    },
  };
}

async function startInstance(name: string): Promise<Instance> {
  const file = path.join(home.path, `${name}.json`);
  await fs.writeFile(file, JSON.stringify(configOf(name)));
  const child = spawnNode(['bin/routecodex.mjs', 'start', '--config', file], { ROUTECODEX_HOME: home.path });
  const url = (await child.waitForLine(/routecodex listening on (http:\/\/\S+)/))[1]!;
  return { name, child, url };
}

async function chat(i: Instance, content: string, opts: { session?: string; model?: string } = {}): Promise<{ status: number; key: string | null; route: string | null }> {
  const res = await fetch(`${i.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(opts.session ? { 'x-session-id': opts.session } : {}) },
    body: JSON.stringify({ model: opts.model ?? 'default', messages: [{ role: 'user', content }] }),
  });
  await res.arrayBuffer();
  return { status: res.status, key: res.headers.get('x-routecodex-provider-key'), route: res.headers.get('x-routecodex-route') };
}

async function stateOf(i: Instance, providerKey: string): Promise<string | undefined> {
  const body = (await (await fetch(`${i.url}/manager/state/health`)).json()) as { providers: Array<{ providerKey: string; state: string }> };
  return body.providers.find((p) => p.providerKey === providerKey)?.state;
}

async function leaderPid(): Promise<number | undefined> {
  const client = await rawClient();
  try {
    const raw = await client.get(`${prefix}lock:token-manager/leader`);
    return raw ? (JSON.parse(raw) as { pid: number }).pid : undefined;
  } finally {
    client.disconnect();
  }
}

beforeAll(async () => {
  upstream = await startFakeUpstream();
  oauth = await startFakeOAuth();
  oauth.seed('rt-0');
  oauth.refreshDelayMs = 100;
  home = await tempDir('rcx-cluster-');
  prefix = uniquePrefix('cluster');
  await fs.mkdir(path.join(home.path, 'auth'), { recursive: true });
  tokenFile = path.join(home.path, 'auth', 'qw-oauth-1.json');
  await fs.writeFile(tokenFile, JSON.stringify({ access_token: 'at-0', refresh_token: 'rt-0', expires_at: Date.now() + 3_600_000 }));
  instances.push(...(await Promise.all(['inst-a', 'inst-b', 'inst-c'].map(startInstance))));
}, 30_000);

afterAll(async () => {
  await killAllChildren();
  await upstream?.close();
  await oauth?.close();
  await home?.remove();
  if (prefix) await dropPrefix(prefix);
});

describe('three gateway processes on one Redis', () => {
  it('a 429 on A: B and C avoid the key within 1 s', async () => {
    const [a, b, c] = instances as [Instance, Instance, Instance];
    upstream.addRules({ match: { apiKey: KEY_A }, times: 1, reply: { fault: { status: 429, retryAfter: 30 } } });
    expect(await chat(a, 'hello')).toMatchObject({ status: 200, key: 'pb.key1.mb' });
    const t0 = performance.now();
    const seenAt = await Promise.all(
      [b, c].map((i) => until(async () => ((await stateOf(i, A_KEY)) === 'cooling' ? performance.now() - t0 : undefined), 1_000, `${i.name} to see the cooldown`)),
    );
    console.log(`cooldown propagation A → B: ${seenAt[0]!.toFixed(1)} ms, A → C: ${seenAt[1]!.toFixed(1)} ms`);
    expect(Math.max(...seenAt)).toBeLessThan(1_000);
    const before = upstream.requests().filter((r) => r.apiKey === KEY_A).length;
    for (const i of [b, c]) for (let n = 0; n < 5; n++) expect((await chat(i, `avoid ${n}`)).key).toBe('pb.key1.mb');
    expect(upstream.requests().filter((r) => r.apiKey === KEY_A).length).toBe(before);
  });

  it('a sticky session created via A is honoured by C', async () => {
    const [a, , c] = instances as [Instance, Instance, Instance];
    expect((await chat(a, '<**!pb.mb**> stick to b', { session: 'sticky-cluster' })).route).toBe('sticky:pb.mb');
    const t0 = performance.now();
    await until(async () => ((await fetch(`${c.url}/manager/state/routing/sticky-cluster`)).status === 200 ? true : undefined), 1_000, 'C to see the session');
    console.log(`session propagation A → C: ${(performance.now() - t0).toFixed(1)} ms`);
    for (let n = 0; n < 3; n++) expect(await chat(c, `turn ${n}`, { session: 'sticky-cluster' })).toMatchObject({ status: 200, route: 'sticky:pb.mb' });
  });

  it('200 concurrent requests across the three at a token\'s expiry make ONE refresh call', async () => {
    const doc = JSON.parse(await fs.readFile(tokenFile, 'utf8')) as Record<string, unknown>;
    await fs.writeFile(tokenFile, JSON.stringify({ ...doc, expires_at: Date.now() - 1 }));
    const before = oauth.refreshCalls().length;
    upstream.reset();
    const results = await Promise.all(Array.from({ length: 200 }, (_, n) => chat(instances[n % 3]!, `token ${n}`, { model: 'qw.qwen-test' })));
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(oauth.refreshCalls().length).toBe(before + 1);
    expect(oauth.rejectedReuses()).toBe(0);
    const fresh = (JSON.parse(await fs.readFile(tokenFile, 'utf8')) as { access_token: string }).access_token;
    expect(fresh).not.toBe('at-0');
    expect(new Set(upstream.requests().map((r) => r.apiKey))).toEqual(new Set([fresh]));
  });

  it('one token leader; SIGKILLing it hands the leadership to another instance within the lease ttl', async () => {
    const pid = await until(leaderPid, 5_000, 'a leader');
    const leader = instances.find((i) => i.child.proc.pid === pid);
    expect(leader, `the leader pid ${pid} is one of the instances`).toBeDefined();
    await leader!.child.kill('SIGKILL');
    const t0 = performance.now();
    const next = await until(async () => {
      const p = await leaderPid();
      return p !== undefined && p !== pid ? p : undefined;
    }, 3 * LEADER_TTL_MS, 'a new leader');
    const handover = performance.now() - t0;
    console.log(`token leadership handover after SIGKILL: ${handover.toFixed(0)} ms (lease ttl ${LEADER_TTL_MS} ms)`);
    expect(instances.filter((i) => i !== leader).map((i) => i.child.proc.pid)).toContain(next);
    expect(handover).toBeLessThanOrEqual(LEADER_TTL_MS + 500); // ≤ 2/3 ttl to lapse + ttl/4 to retry, plus timer slack
    for (const i of instances.filter((x) => x !== leader)) expect((await chat(i, 'still serving')).status).toBe(200);
  });
});
