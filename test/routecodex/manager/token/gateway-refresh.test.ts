/**
 * Through a real RouteCodex server (`startRouteCodex`) whose provider uses `auth: {type: oauth}` against the
 * fake OAuth server: 200 concurrent requests at the token's expiry make ONE refresh and all reach the
 * upstream with the NEW token; the next expiry refreshes once more with the rotated refresh token; an
 * upstream 401 gives one refresh and one replay; the server's TokenManager holds the leader lease, so
 * `routecodex token-daemon start` refuses to run next to it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../../src/shared/logger.js';
import { startRouteCodex, type RouteCodexServer } from '../../../../src/routecodex/start.js';
import { startFakeUpstream, type FakeUpstream } from '../../../../src/routecodex/testing/fake-upstream/index.js';
import { startFakeOAuth, type FakeOAuth } from '../../../helpers/fake-oauth.js';
import { killAllChildren, spawnNode } from '../child-process.js';
import { makeHome, readDoc, writeToken, type Home } from './helpers.js';

let oauth: FakeOAuth;
let upstream: FakeUpstream;
let home: Home;
let server: RouteCodexServer | undefined;
let tokenFile: string;

beforeAll(async () => {
  oauth = await startFakeOAuth();
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream.close();
  await oauth.close();
});
beforeEach(async () => {
  home = await makeHome();
  upstream.reset();
  oauth.seed('rt-0');
  oauth.refreshDelayMs = 100;
  tokenFile = await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: Date.now() + 3_600_000 });
});
afterEach(async () => {
  await killAllChildren();
  await server?.close();
  server = undefined;
  await home.remove();
});

function configDoc(): Record<string, unknown> {
  return {
    serverId: 'oauth-test',
    httpserver: { host: '127.0.0.1', port: 0 },
    virtualrouter: {
      providers: {
        qw: {
          type: 'openai',
          baseURL: `${upstream.url}/v1`,
          auth: { type: 'oauth', flow: 'device-code', tokenEndpoint: oauth.tokenEndpoint, deviceEndpoint: oauth.deviceEndpoint, clientId: 'client-1', refreshAheadMs: 60_000 },
          models: ['qwen-test'],
        },
      },
      routing: { default: ['qw.qwen-test'] },
    },
  };
}

async function start(): Promise<RouteCodexServer> {
  server = await startRouteCodex({ document: configDoc(), home: home.path, env: {}, logger: silentLogger() });
  return server;
}

async function chat(s: RouteCodexServer): Promise<number> {
  const res = await fetch(`${s.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'qw.qwen-test', messages: [{ role: 'user', content: 'hi' }] }) });
  await res.arrayBuffer();
  return res.status;
}

async function expire(): Promise<void> {
  const doc = await readDoc(tokenFile);
  await fs.writeFile(tokenFile, JSON.stringify({ ...doc, expires_at: Date.now() - 1 }));
}

describe('OAuth tokens through the gateway', () => {
  it('200 concurrent requests at expiry: one refresh, every request sent with the new token; the next expiry uses the rotated refresh token', async () => {
    const s = await start();
    await expire();
    const before = oauth.refreshCalls().length;
    const statuses = await Promise.all(Array.from({ length: 200 }, () => chat(s)));
    expect(statuses.every((st) => st === 200)).toBe(true);
    expect(oauth.refreshCalls().length).toBe(before + 1);
    const first = await readDoc(tokenFile);
    expect(first.access_token).not.toBe('at-0');
    expect(new Set(upstream.requests().map((r) => r.apiKey))).toEqual(new Set([first.access_token]));

    upstream.reset();
    await expire();
    const again = await Promise.all(Array.from({ length: 200 }, () => chat(s)));
    expect(again.every((st) => st === 200)).toBe(true);
    expect(oauth.refreshCalls().length).toBe(before + 2);
    expect(oauth.refreshCalls().at(-1)?.refreshToken).toBe(first.refresh_token);
    expect(oauth.rejectedReuses()).toBe(0);
    const second = await readDoc(tokenFile);
    expect(new Set(upstream.requests().map((r) => r.apiKey))).toEqual(new Set([second.access_token]));
  });

  it('an upstream 401 makes one refresh and one replay; the client sees success', async () => {
    const s = await start();
    upstream.addRules({ match: { apiKey: 'at-0' }, reply: { fault: { status: 401, message: 'token revoked' } } });
    const before = oauth.refreshCalls().length;
    expect(await chat(s)).toBe(200);
    expect(oauth.refreshCalls().length).toBe(before + 1);
    const fresh = (await readDoc(tokenFile)).access_token;
    expect(upstream.requests().map((r) => r.apiKey)).toEqual(['at-0', fresh]);
  });

  it('the server holds the leader lease: `token-daemon start` exits 1 and names it', async () => {
    await start();
    const leader = JSON.parse(await fs.readFile(path.join(home.stateDir, 'token-manager', 'leader.json'), 'utf8')) as { ownerId: string; pid: number; acquiredAt: number };
    expect(leader).toMatchObject({ ownerId: 'server:oauth-test', pid: process.pid });
    const config = path.join(home.path, 'config.json');
    await fs.writeFile(config, JSON.stringify(configDoc()));
    const cli = spawnNode(['bin/routecodex.mjs', 'token-daemon', 'start', '--config', config], { ROUTECODEX_HOME: home.path, LOG_LEVEL: 'silent' });
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.stderr()).toContain(`token manager leader already active (owner=server:oauth-test, pid=${process.pid}, since ${new Date(leader.acquiredAt).toISOString()})`);
  });
});
