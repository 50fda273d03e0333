/**
 * TokenManagerModule in a ManagerContext: one leader per home (the other module says who leads and keeps
 * serving tokens), the leader's background loop refreshes expiring tokens, a stopped leader releases the
 * lease and the other takes over; tokenProvider() works before init.
 */
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../../../src/shared/clock.js';
import { loadConfig } from '../../../../src/routecodex/config/load.js';
import { FileManagerStore } from '../../../../src/routecodex/manager/store/file/file-store.js';
import { FileLeaseLocks } from '../../../../src/routecodex/manager/store/file/file-locks.js';
import { TokenManagerModule } from '../../../../src/routecodex/manager/token/token-module.js';
import { LEADER_LEASE } from '../../../../src/routecodex/manager/token/token-manager.js';
import type { ManagerContext } from '../../../../src/routecodex/manager/types.js';
import { startFakeOAuth, type FakeOAuth } from '../../../helpers/fake-oauth.js';
import { capturingLogger, makeHome, readDoc, writeToken, type CapturedLog, type Home } from './helpers.js';

let fake: FakeOAuth;
let home: Home;
const modules: TokenManagerModule[] = [];
const stores: FileManagerStore[] = [];

beforeAll(async () => {
  fake = await startFakeOAuth();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  home = await makeHome();
  fake.seed('rt-0');
});
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.stop()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
  await home.remove();
});

function document(oauth = true): Record<string, unknown> {
  const auth = oauth ? { type: 'oauth', flow: 'refresh-only', tokenEndpoint: fake.tokenEndpoint, clientId: 'client-1', refreshAheadMs: 60_000 } : { type: 'apikey', apiKey: 'k' };
  return {
    httpserver: { host: '127.0.0.1', port: 0 },
    virtualrouter: { providers: { qw: { type: 'openai', baseURL: 'http://127.0.0.1:9/v1', auth, models: ['m'] } }, routing: { default: ['qw.m'] } },
  };
}

async function contextFor(serverId: string, lines?: CapturedLog[], oauth = true): Promise<ManagerContext> {
  const config = await loadConfig({ document: document(oauth), home: home.path, env: {} });
  const { logger } = capturingLogger(lines);
  const store = new FileManagerStore({ home: home.path, serverId, manager: config.raw.manager, clock: systemClock, logger });
  stores.push(store);
  return { serverId, home: home.path, config, store, logger, clock: systemClock };
}

function moduleWith(options: ConstructorParameters<typeof TokenManagerModule>[0]): TokenManagerModule {
  const m = new TokenManagerModule(options);
  modules.push(m);
  return m;
}

describe('TokenManagerModule', () => {
  it('one module leads; the other logs who leads and still serves tokens with on-demand refresh', async () => {
    const file = await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: Date.now() + 3_600_000 });
    const a = moduleWith({ refreshIntervalMs: 60_000 });
    const b = moduleWith({ refreshIntervalMs: 60_000 });
    const bLines: CapturedLog[] = [];
    a.init(await contextFor('server-a'));
    b.init(await contextFor('server-b', bLines));
    await a.start();
    await b.start();
    expect(a.tokenManager?.isLeader()).toBe(true);
    expect(b.tokenManager?.isLeader()).toBe(false);
    const msg = bLines.map((l) => l.msg).find((m) => m.includes('leader already active'));
    expect(msg).toBe(`token manager leader already active (owner=server:server-a, pid=${process.pid}); this process does not run the background refresher`);
    // The non-leader refreshes on demand (single-flight) when its requests need it.
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: Date.now() - 1 });
    expect(await b.tokenProvider().accessToken(file)).toBe((await readDoc(file)).access_token);
    expect((await readDoc(file)).access_token).not.toBe('at-0');
  });

  it("the leader's loop refreshes tokens inside their refresh-ahead window; a stopped leader hands over", async () => {
    const file = await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: Date.now() + 30_000 });
    const a = moduleWith({ refreshIntervalMs: 50 });
    const b = moduleWith({ refreshIntervalMs: 50, leaderRetryMs: 50 });
    a.init(await contextFor('server-a'));
    b.init(await contextFor('server-b'));
    await a.start();
    await b.start();
    const before = fake.refreshCalls().length;
    await vi.waitFor(async () => expect((await readDoc(file)).access_token).not.toBe('at-0'), { timeout: 5_000, interval: 20 });
    expect(fake.refreshCalls().length).toBe(before + 1);
    await a.stop();
    const locks = new FileLeaseLocks(path.join(home.path, 'state'));
    await vi.waitFor(async () => expect((await locks.holder(LEADER_LEASE))?.ownerId).toBe('server:server-b'), { timeout: 5_000, interval: 20 });
    await vi.waitFor(() => expect(b.tokenManager?.isLeader()).toBe(true), { timeout: 1_000, interval: 10 });
    await b.stop();
    expect(await locks.holder(LEADER_LEASE)).toBeUndefined();
  });

  it('tokenProvider() reads token files as they are before init', async () => {
    const file = await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: Date.now() - 1 });
    const m = moduleWith({});
    expect(await m.tokenProvider().accessToken(file)).toBe('at-0');
    expect(await m.tokenProvider().refreshAfterUnauthorized(file, 'at-0')).toBe(false);
  });

  it('takes no lease when no provider uses OAuth', async () => {
    const m = moduleWith({});
    m.init(await contextFor('server-a', undefined, false));
    await m.start();
    expect(await new FileLeaseLocks(path.join(home.path, 'state')).holder(LEADER_LEASE)).toBeUndefined();
  });
});
