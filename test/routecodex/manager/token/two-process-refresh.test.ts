/** Two processes sharing one home, each with 50 concurrent callers, reach a token's expiry together: ONE refresh. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOAuth, type FakeOAuth } from '../../../helpers/fake-oauth.js';
import { killAllChildren, spawnNode } from '../child-process.js';
import { makeHome, readDoc, writeToken, type Home } from './helpers.js';

let fake: FakeOAuth;
let home: Home;

beforeAll(async () => {
  fake = await startFakeOAuth();
  home = await makeHome();
});
afterEach(async () => {
  await killAllChildren();
});
afterAll(async () => {
  await fake.close();
  await home.remove();
});

describe('refresh single-flight across processes', () => {
  it('three processes racing at expiry make exactly one refresh call and all get the new token', async () => {
    fake.seed('rt-0');
    fake.refreshDelayMs = 150;
    const file = await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: Date.now() - 1 });
    const children = [0, 1, 2].map(() => spawnNode(['bin/run-ts.mjs', 'test/routecodex/manager/token/scripts/race-refresh.ts', home.path, fake.tokenEndpoint, file, '50']));
    await Promise.all(children.map((c) => c.waitForLine(/^ready$/)));
    for (const c of children) c.proc.kill('SIGUSR2');
    const results = await Promise.all(children.map(async (c) => JSON.parse((await c.waitForLine(/^\[.*\]$/))[0]) as string[]));
    expect(fake.refreshCalls()).toHaveLength(1);
    expect(fake.rejectedReuses()).toBe(0);
    const doc = await readDoc(file);
    expect(new Set(results.flat())).toEqual(new Set([doc.access_token]));
    expect(doc.refresh_token).toBe('rt-1');
  });
});
