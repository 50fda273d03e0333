/**
 * TokenService against the fake OAuth server: refresh ahead of expiry, single-flight in one process,
 * rotated refresh tokens persisted before use, 401 handling, failure history, backoff and auto-suspension.
 */
import fs from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../../src/shared/clock.js';
import { TokenError } from '../../../../src/routecodex/manager/token/token-errors.js';
import type { TokenService } from '../../../../src/routecodex/manager/token/token-service.js';
import { startFakeOAuth, type FakeOAuth } from '../../../helpers/fake-oauth.js';
import { capturingLogger, makeHome, readDoc, serviceFor, settingsFor, writeToken, type Home } from './helpers.js';

let fake: FakeOAuth;
let home: Home;
let clock: ManualClock;
let service: TokenService;
let file: string;

beforeAll(async () => {
  fake = await startFakeOAuth();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  home = await makeHome();
  clock = new ManualClock(Date.now());
  fake.seed('rt-0');
  fake.refreshDelayMs = 0;
  fake.expiresInSec = 3600;
  service = serviceFor(home, [settingsFor(fake)], clock, capturingLogger().logger);
  file = await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: clock.now() + 30_000, email: 'me@example.com' });
});
afterEach(async () => {
  await home.remove();
});

const refreshCount = () => fake.refreshCalls().length;

describe('TokenService.accessToken', () => {
  it('returns a token valid beyond refreshAheadMs without calling the server', async () => {
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: clock.now() + 120_000 });
    const before = refreshCount();
    expect(await service.accessToken(file)).toBe('at-0');
    expect(refreshCount()).toBe(before);
  });

  it('refreshes a token inside its refresh-ahead window and persists the rotated refresh token, keeping unknown fields', async () => {
    const before = refreshCount();
    const token = await service.accessToken(file);
    expect(refreshCount()).toBe(before + 1);
    const doc = await readDoc(file);
    expect(doc.access_token).toBe(token);
    expect(doc.refresh_token).toBe(token.replace('at-', 'rt-')); // the fake pairs at-N with rt-N
    expect(doc.email).toBe('me@example.com');
    expect(doc.scope).toBe('model.completion');
    expect(doc.expires_at).toBe(clock.now() + 3_600_000);
    expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
  });

  it('200 concurrent callers at expiry share ONE refresh; the next expiry uses the rotated refresh token', async () => {
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: clock.now() - 1 });
    fake.refreshDelayMs = 50;
    const before = refreshCount();
    const tokens = await Promise.all(Array.from({ length: 200 }, () => service.accessToken(file)));
    expect(refreshCount()).toBe(before + 1);
    expect(new Set(tokens).size).toBe(1);
    clock.advance(3_600_000);
    const again = await Promise.all(Array.from({ length: 200 }, () => service.accessToken(file)));
    expect(refreshCount()).toBe(before + 2);
    expect(again[0]).not.toBe(tokens[0]);
    expect(fake.refreshCalls().at(-1)?.refreshToken).toBe(tokens[0]!.replace('at-', 'rt-'));
    expect((await readDoc(file)).refresh_token).toBe(again[0]!.replace('at-', 'rt-'));
    expect(fake.rejectedReuses()).toBe(0);
  });

  it('tokens that live shorter than refreshAheadMs are refreshed at half their lifetime, not on every call', async () => {
    fake.expiresInSec = 40; // refreshAheadMs is 60 s
    const before = refreshCount();
    const first = await service.accessToken(file);
    clock.advance(19_000);
    expect(await service.accessToken(file)).toBe(first);
    expect(refreshCount()).toBe(before + 1);
    clock.advance(2_000);
    expect(await service.accessToken(file)).not.toBe(first);
    expect(refreshCount()).toBe(before + 2);
  });

  it('keeps serving a still-usable token when the refresh ahead of expiry fails', async () => {
    fake.failRefreshes(1, 503, { error: 'temporarily_unavailable' });
    expect(await service.accessToken(file)).toBe('at-0');
  });

  it('fails an expired token whose refresh fails, with the classified reason', async () => {
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-stale', expires_at: clock.now() - 1 });
    const err = await service.accessToken(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenError);
    expect((err as TokenError).kind).toBe('invalid_grant');
    expect((err as TokenError).needsLogin).toBe(true);
    expect((err as Error).message).toContain('token-daemon refresh qw-oauth-1.json --login');
  });

  it('fails an expired token that cannot be refreshed without calling the server', async () => {
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', expires_at: clock.now() - 1 });
    const before = refreshCount();
    await expect(service.accessToken(file)).rejects.toMatchObject({ kind: 'not-refreshable' });
    expect(refreshCount()).toBe(before);
  });
});

describe('TokenService.refreshAfterUnauthorized', () => {
  it('answers true without a refresh when the file already holds another token', async () => {
    const before = refreshCount();
    expect(await service.refreshAfterUnauthorized(file, 'at-older')).toBe(true);
    expect(refreshCount()).toBe(before);
  });

  it('forces one refresh for many concurrent 401s of the same token', async () => {
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: clock.now() + 3_600_000 });
    fake.refreshDelayMs = 30;
    const before = refreshCount();
    const results = await Promise.all(Array.from({ length: 50 }, () => service.refreshAfterUnauthorized(file, 'at-0')));
    expect(results.every(Boolean)).toBe(true);
    expect(refreshCount()).toBe(before + 1);
    expect(await service.accessToken(file)).not.toBe('at-0');
  });

  it('answers false when the refresh is refused', async () => {
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-unknown', expires_at: clock.now() + 3_600_000 });
    expect(await service.refreshAfterUnauthorized(file, 'at-0')).toBe(false);
  });
});

describe('failure history and auto-suspension', () => {
  const expired = () => writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-bad', expires_at: clock.now() - 1 });

  it('backs off after a failure, suspends after 3 refusals, and resumes when the token file changes', async () => {
    await expired();
    const before = refreshCount();
    await expect(service.accessToken(file)).rejects.toMatchObject({ kind: 'invalid_grant' });
    await expect(service.accessToken(file)).rejects.toMatchObject({ kind: 'backoff' });
    expect(refreshCount()).toBe(before + 1);
    clock.advance(5_001);
    await expect(service.accessToken(file)).rejects.toMatchObject({ kind: 'invalid_grant' });
    clock.advance(10_001);
    await expect(service.accessToken(file)).rejects.toMatchObject({ kind: 'invalid_grant' });
    expect(refreshCount()).toBe(before + 3);
    const entry = await service.history.get(file);
    expect(entry).toMatchObject({ attempts: 3, failures: 3, consecutiveFailures: 3, suspended: true, lastResult: 'failure', lastErrorKind: 'invalid_grant' });
    clock.advance(3_600_000);
    await expect(service.accessToken(file)).rejects.toMatchObject({ kind: 'suspended' });
    expect(refreshCount()).toBe(before + 3);
    // A new login rewrites the file: automatic refreshes resume.
    fake.seed('rt-fresh');
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-fresh', expires_at: clock.now() - 1 });
    const token = await service.accessToken(file);
    expect(token).not.toBe('at-0');
    expect(await service.history.get(file)).toMatchObject({ successes: 1, consecutiveFailures: 0, suspended: false });
  });

  it('lifts a suspension with a successful manual refresh', async () => {
    await expired();
    for (let i = 0; i < 3; i++) {
      await service.accessToken(file).catch(() => undefined);
      clock.advance(60_000);
    }
    expect((await service.history.get(file))?.suspended).toBe(true);
    // The provider accepts the token again (e.g. an account was unblocked): the user refreshes by hand.
    fake.seed('rt-bad');
    const token = await service.refreshNow(file);
    expect(token.accessToken).not.toBe('at-0');
    expect((await service.history.get(file))?.suspended).toBe(false);
  });

  it('does not suspend after network-class failures (it keeps backing off)', async () => {
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-0', refresh_token: 'rt-0', expires_at: clock.now() - 1 });
    fake.failRefreshes(4, 502, { error: 'bad_gateway' });
    for (let i = 0; i < 4; i++) {
      await expect(service.accessToken(file)).rejects.toMatchObject({ kind: 'transient' });
      clock.advance(10 * 60_000);
    }
    expect(await service.history.get(file)).toMatchObject({ consecutiveFailures: 4, suspended: false });
    expect(await service.accessToken(file)).not.toBe('at-0');
  });
});
