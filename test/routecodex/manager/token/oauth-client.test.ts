/** The token endpoint client: failures classified (invalid_grant / rejected / transient), grants read, token documents merged. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshGrant, OAuthError } from '../../../../src/routecodex/manager/token/oauth-client.js';
import { mergeGrant } from '../../../../src/routecodex/manager/token/token-files.js';
import { startFakeOAuth, type FakeOAuth } from '../../../helpers/fake-oauth.js';
import { settingsFor } from './helpers.js';

let fake: FakeOAuth;
const now = () => 1_700_000_000_000;

beforeAll(async () => {
  fake = await startFakeOAuth();
});
afterAll(async () => {
  await fake.close();
});

async function failureOf(p: Promise<unknown>): Promise<OAuthError> {
  const e = await p.catch((err: unknown) => err);
  expect(e).toBeInstanceOf(OAuthError);
  return e as OAuthError;
}

describe('refreshGrant', () => {
  it('sends a form-encoded refresh_token grant and reads the rotated grant', async () => {
    fake.seed('rt-a');
    const grant = await refreshGrant(settingsFor(fake, 'qw', { clientSecret: 'shh' }), 'rt-a', now, 5_000);
    expect(grant).toMatchObject({ refreshToken: grant.accessToken.replace('at-', 'rt-'), expiresAt: now() + 3_600_000, tokenType: 'Bearer', extra: { scope: 'model.completion' } });
    expect(fake.refreshCalls().at(-1)).toMatchObject({ grantType: 'refresh_token', refreshToken: 'rt-a', clientId: 'client-1' });
  });

  it('classifies failures', async () => {
    const s = settingsFor(fake);
    fake.seed('rt-b');
    expect((await failureOf(refreshGrant(s, 'rt-unknown', now, 5_000))).kind).toBe('invalid_grant');
    fake.failRefreshes(1, 401, { error: 'invalid_client', error_description: 'unknown client' });
    const rejected = await failureOf(refreshGrant(s, 'rt-b', now, 5_000));
    expect(rejected).toMatchObject({ kind: 'rejected', status: 401, code: 'invalid_client' });
    expect(rejected.message).toContain('HTTP 401 invalid_client (unknown client)');
    expect(rejected.message).not.toContain('rt-b');
    for (const status of [429, 500, 503]) {
      fake.failRefreshes(1, status, { error: 'busy' });
      expect((await failureOf(refreshGrant(s, 'rt-b', now, 5_000))).kind).toBe('transient');
    }
    fake.failRefreshes(1, 200, { token_type: 'Bearer' });
    expect((await failureOf(refreshGrant(s, 'rt-b', now, 5_000))).kind).toBe('transient');
    fake.refreshDelayMs = 300;
    const slow = await failureOf(refreshGrant(s, 'rt-b', now, 50));
    fake.refreshDelayMs = 0;
    expect(slow.kind).toBe('transient');
    expect(slow.message).toContain('no answer within 50 ms');
    const down = await failureOf(refreshGrant({ ...s, tokenEndpoint: 'http://127.0.0.1:9/token' }, 'rt-b', now, 5_000));
    expect(down.kind).toBe('transient');
  });
});

describe('mergeGrant', () => {
  it('keeps unknown fields and the refresh token when none is rotated, and rewrites expiry fields in their own format', () => {
    const raw = { access_token: 'old', refresh_token: 'rt-keep', expiry_date: '2020-01-01T00:00:00.000Z', project_id: 'p1' };
    const doc = mergeGrant(raw, { accessToken: 'new', expiresAt: 1_800_000_000_000, extra: {} }, now());
    expect(doc).toEqual({
      access_token: 'new', refresh_token: 'rt-keep', expires_at: 1_800_000_000_000, expiry_date: new Date(1_800_000_000_000).toISOString(), project_id: 'p1',
      last_refresh: new Date(now()).toISOString(),
    });
  });

  it('drops stale expiry fields when the grant gives no expiry', () => {
    const doc = mergeGrant({ access_token: 'old', expires_at: 1 }, { accessToken: 'new', extra: {} }, now());
    expect(doc.expires_at).toBeUndefined();
  });
});
