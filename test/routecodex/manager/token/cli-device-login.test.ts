/** `routecodex token-daemon refresh <provider>` as a real process: a device-code login through pending and slow_down. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEVICE_CODE_GRANT } from '../../../../src/routecodex/manager/token/device-flow.js';
import { startFakeOAuth, type FakeOAuth } from '../../../helpers/fake-oauth.js';
import { killAllChildren, spawnNode } from '../child-process.js';
import { makeHome, readDoc, type Home } from './helpers.js';

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

describe('token-daemon refresh (device-code login)', () => {
  it('prints where to log in, polls through pending and slow_down, and writes the new token file', async () => {
    const config = path.join(home.path, 'config.json');
    const auth = { type: 'oauth', flow: 'device-code', tokenEndpoint: fake.tokenEndpoint, deviceEndpoint: fake.deviceEndpoint, clientId: 'client-1', pkce: true };
    await fs.writeFile(config, JSON.stringify({ virtualrouter: { providers: { qw: { type: 'openai', baseURL: 'http://127.0.0.1:9/v1', auth, models: ['m'] } }, routing: { default: ['qw.m'] } } }));
    fake.scriptPolls(['pending', 'slow_down', 'success']);
    const child = spawnNode(['bin/routecodex.mjs', 'token-daemon', 'refresh', 'qw', '--config', config], { ROUTECODEX_HOME: home.path });
    const { code } = await child.exited;
    expect(child.stderr()).toBe('');
    expect(code).toBe(0);
    const out = child.lines.join('\n');
    expect(out).toContain(`open ${fake.url}/activate and enter the code WXYZ-1234`);
    expect(out).toContain('logged in, wrote qw-oauth-1.json (expires ');
    const polls = fake.calls().filter((c) => c.grantType === DEVICE_CODE_GRANT);
    expect(polls).toHaveLength(3);
    expect(polls[2]!.at - polls[1]!.at).toBeGreaterThanOrEqual(4_900); // slow_down: 5 s more between polls
    const doc = await readDoc(path.join(home.authDir, 'qw-oauth-1.json'));
    expect(doc).toMatchObject({ access_token: fake.issued().at(-1), refresh_token: fake.issued().at(-1)!.replace('at-', 'rt-') });
    expect(out).not.toContain(String(doc.access_token));
  });
});
