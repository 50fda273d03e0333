/**
 * Device-code login (RFC 8628) against the fake OAuth server, in process with an injected sleep: polling
 * honours `interval` and `slow_down`, PKCE is verified, expiry and denial end the login; and the
 * `refresh <selector>` logic: plain refresh first, a refused refresh falls through to a login, `--login`
 * forces one, a provider without token files gets `<provider>-oauth-1.json`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/shared/clock.js';
import { FileLeaseLocks } from '../../../../src/routecodex/manager/store/file/file-locks.js';
import { deviceLogin, type DevicePrompt } from '../../../../src/routecodex/manager/token/device-flow.js';
import { refreshOrLogin } from '../../../../src/routecodex/manager/token/login.js';
import { resolveSelector } from '../../../../src/routecodex/manager/token/selector.js';
import { startFakeOAuth, type FakeOAuth } from '../../../helpers/fake-oauth.js';
import { capturingLogger, makeHome, readDoc, serviceFor, settingsFor, writeToken, type Home } from './helpers.js';

let fake: FakeOAuth;
let home: Home;
let clock: ManualClock;
let sleeps: number[];
const sleep = async (ms: number) => void sleeps.push(ms);

beforeAll(async () => {
  fake = await startFakeOAuth();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  home = await makeHome();
  clock = new ManualClock(Date.now());
  sleeps = [];
});
afterEach(async () => {
  await home.remove();
});

describe('deviceLogin', () => {
  it('polls through authorization_pending and slow_down (+5 s) to a grant, with PKCE', async () => {
    fake.scriptPolls(['pending', 'slow_down', 'pending', 'success']);
    const prompts: DevicePrompt[] = [];
    const grant = await deviceLogin(settingsFor(fake, 'qw', { pkce: true, scope: 'openid model.completion' }), { prompt: (p) => prompts.push(p), now: () => clock.now(), sleep });
    expect(grant.accessToken).toMatch(/^at-\d+$/);
    expect(grant.refreshToken).toBe(grant.accessToken.replace('at-', 'rt-'));
    expect(sleeps).toEqual([0, 0, 5_000, 5_000]);
    expect(prompts).toEqual([{ verificationUri: `${fake.url}/activate`, userCode: 'WXYZ-1234', expiresInSec: 600 }]);
    const request = fake.deviceRequests().at(-1)!;
    expect(request).toMatchObject({ client_id: 'client-1', scope: 'openid model.completion', code_challenge_method: 'S256' });
    expect(request.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('ends with a clear error when the code expires or the user declines', async () => {
    fake.scriptPolls(['pending', 'expired']);
    await expect(deviceLogin(settingsFor(fake), { prompt: () => undefined, now: () => clock.now(), sleep })).rejects.toThrow(/expired before the login was approved/);
    fake.scriptPolls(['denied']);
    await expect(deviceLogin(settingsFor(fake), { prompt: () => undefined, now: () => clock.now(), sleep })).rejects.toThrow(/denied/);
  });
});

describe('refresh <selector>', () => {
  const deps = () => {
    const service = serviceFor(home, [settingsFor(fake)], clock, capturingLogger().logger, 'cli');
    return { service, locks: new FileLeaseLocks(home.stateDir, clock), ownerId: 'cli', clock, print: () => undefined, sleep };
  };

  it('refreshes an existing token with a valid refresh token without a login', async () => {
    fake.seed('rt-0');
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: clock.now() + 3_600_000 });
    const polls = fake.calls().filter((c) => c.deviceCode).length;
    const result = await refreshOrLogin(await resolveSelector('qw.1', new Map([['qw', settingsFor(fake)]]), home.authDir), false, deps());
    expect(result.method).toBe('refresh');
    expect(fake.calls().filter((c) => c.deviceCode).length).toBe(polls);
  });

  it('falls back to a device-code login when the refresh is refused, and --login forces one', async () => {
    const file = await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-revoked', expires_at: clock.now() - 1, email: 'old@example.com' });
    const providers = new Map([['qw', settingsFor(fake)]]);
    const d = deps();
    const result = await refreshOrLogin(await resolveSelector('qw-oauth-1.json', providers, home.authDir), false, d);
    expect(result.method).toBe('device-code');
    const doc = await readDoc(file);
    expect(doc.access_token).toMatch(/^at-\d+$/);
    expect(doc.email).toBeUndefined(); // a new login starts a new document
    expect((await d.service.history.get(file))?.lastResult).toBe('success');
    const forced = await refreshOrLogin(await resolveSelector('qw', providers, home.authDir), true, d);
    expect(forced.method).toBe('device-code');
  });

  it('creates <provider>-oauth-1.json for a provider without token files', async () => {
    const sel = await resolveSelector('qw', new Map([['qw', settingsFor(fake)]]), home.authDir);
    expect(sel).toMatchObject({ file: path.join(home.authDir, 'qw-oauth-1.json'), exists: false });
    await refreshOrLogin(sel, false, deps());
    expect((await fs.stat(sel.file)).mode & 0o777).toBe(0o600);
  });

  it('refuses a login for a refresh-only provider', async () => {
    const providers = new Map([['qw', settingsFor(fake, 'qw', { flow: 'refresh-only' })]]);
    await expect(refreshOrLogin(await resolveSelector('qw', providers, home.authDir), false, deps())).rejects.toThrow(/refresh-only/);
  });
});

describe('resolveSelector', () => {
  it('reads file names, provider.alias and provider ids', async () => {
    const providers = new Map([['qw', settingsFor(fake)]]);
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'a' });
    await writeToken(home, 'qw-oauth-2-work.json', { access_token: 'b' });
    const at = (n: string) => path.join(home.authDir, n);
    expect(await resolveSelector('qw.2-work', providers, home.authDir)).toMatchObject({ file: at('qw-oauth-2-work.json'), exists: true });
    expect(await resolveSelector('qw.work', providers, home.authDir)).toMatchObject({ file: at('qw-oauth-2-work.json'), exists: true });
    expect(await resolveSelector('qw.3', providers, home.authDir)).toMatchObject({ file: at('qw-oauth-3.json'), exists: false });
    expect(await resolveSelector('qw.home', providers, home.authDir)).toMatchObject({ file: at('qw-oauth-3-home.json'), exists: false });
    await expect(resolveSelector('qw', providers, home.authDir)).rejects.toThrow('name one: qw.1, qw.2-work');
    await expect(resolveSelector('nope', providers, home.authDir)).rejects.toThrow(/not configured with auth.type oauth \(OAuth providers: qw\)/);
    await expect(resolveSelector('other-oauth-1.json', providers, home.authDir)).rejects.toThrow(/provider "other"/);
  });
});
