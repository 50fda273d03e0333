/**
 * `routecodex token-daemon start|status|refresh` as real processes: `start` leads (status shows it, SIGTERM
 * releases the lease) and a second `start` exits 1 naming the holder; `status --json` has a pinned shape
 * and never prints a token; `refresh <selector>` refreshes an existing token.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeOAuth, type FakeOAuth } from '../../../helpers/fake-oauth.js';
import { killAllChildren, spawnNode } from '../child-process.js';
import { makeHome, writeToken, type Home } from './helpers.js';

let fake: FakeOAuth;
let home: Home;
let config: string;

beforeAll(async () => {
  fake = await startFakeOAuth();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  home = await makeHome();
  config = path.join(home.path, 'config.json');
  const auth = { type: 'oauth', flow: 'refresh-only', tokenEndpoint: fake.tokenEndpoint, clientId: 'client-1', refreshAheadMs: 300_000 };
  await fs.writeFile(config, JSON.stringify({ virtualrouter: { providers: { qw: { type: 'openai', baseURL: 'http://127.0.0.1:9/v1', auth, models: ['m'] } }, routing: { default: ['qw.m'] } } }));
});
afterEach(async () => {
  await killAllChildren();
  await home.remove();
});

function cli(...args: string[]) {
  return spawnNode(['bin/routecodex.mjs', 'token-daemon', ...args, '--config', config], { ROUTECODEX_HOME: home.path, LOG_LEVEL: 'silent' });
}

async function run(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cli(...args);
  const { code } = await child.exited;
  return { code, stdout: child.lines.join('\n'), stderr: child.stderr() };
}

describe('token-daemon start', () => {
  it('leads the home, shows in status, refuses a second refresher (exit 1, holder named) and releases the lease on SIGTERM', async () => {
    const daemon = cli('start');
    await daemon.waitForLine(/^token daemon started: leader of /);
    const status = JSON.parse((await run('status', '--json')).stdout) as { leader: { ownerId: string; pid: number; acquiredAt: string; stale: boolean } };
    expect(status.leader).toMatchObject({ ownerId: 'cli:token-daemon', pid: daemon.proc.pid, stale: false });
    const second = await run('start');
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`token manager leader already active (owner=cli:token-daemon, pid=${daemon.proc.pid}, since ${status.leader.acquiredAt})`);
    expect(await daemon.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    await expect(fs.access(path.join(home.stateDir, 'token-manager', 'leader.json'))).rejects.toThrow();
    expect(JSON.parse((await run('status', '--json')).stdout).leader).toBeNull();
  });
});

describe('token-daemon status --json', () => {
  it('reports tokens, leader and history in a pinned shape, without any token string', async () => {
    const now = Date.now();
    const secrets = ['at-valid-SECRET', 'rt-valid-SECRET', 'at-expiring-SECRET', 'at-expired-SECRET', 'rt-expired-SECRET', 'SECRET-IN-BROKEN-FILE'];
    await writeToken(home, 'qw-oauth-1.json', { access_token: secrets[0], refresh_token: secrets[1], expires_at: now + 3_600_000 });
    await writeToken(home, 'qw-oauth-2-work.json', { access_token: secrets[2], expires_at: now + 120_000 });
    await writeToken(home, 'qw-oauth-3.json', { access_token: secrets[3], refresh_token: secrets[4], expires_at: now - 60_000 });
    await fs.writeFile(path.join(home.authDir, 'qw-oauth-4.json'), `{"access_token": "${secrets[5]}"`);
    // A refused refresh leaves a failure in the history.
    const refused = await run('refresh', 'qw.3');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('invalid_grant');

    const [{ code, stdout }, text] = await Promise.all([run('status', '--json'), run('status')]);
    expect(code).toBe(0);
    for (const s of secrets) expect(stdout).not.toContain(s);
    const report = JSON.parse(stdout) as Record<string, unknown> & { tokens: Array<Record<string, unknown>>; history: Array<Record<string, unknown>> };
    expect(Object.keys(report)).toEqual(['home', 'authDir', 'config', 'leader', 'tokens', 'history']);
    expect(report).toMatchObject({ home: home.path, authDir: home.authDir, config, leader: null });
    expect(report.tokens.map((t) => Object.keys(t))).toEqual(
      Array(4).fill(['provider', 'file', 'alias', 'configured', 'status', 'expiresAt', 'minutesLeft', 'refreshable', 'suspended', 'problem']),
    );
    expect(report.tokens.map((t) => [t.file, t.alias, t.status, t.refreshable, t.problem])).toEqual([
      ['qw-oauth-1.json', '1', 'valid', true, null],
      ['qw-oauth-2-work.json', '2-work', 'expiring', false, null],
      ['qw-oauth-3.json', '3', 'expired', true, null],
      ['qw-oauth-4.json', '4', 'invalid', false, 'invalid JSON'],
    ]);
    expect(report.tokens[0]).toMatchObject({ provider: 'qw', configured: true, expiresAt: new Date(now + 3_600_000).toISOString(), minutesLeft: 59, suspended: false });
    expect(report.history).toEqual([
      {
        file: 'qw-oauth-3.json', provider: 'qw', attempts: 1, successes: 0, failures: 1, consecutiveFailures: 1, lastResult: 'failure',
        lastAttemptAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), lastError: expect.stringContaining('HTTP 400 invalid_grant'), suspended: false,
      },
    ]);
    expect(text.stdout).toContain('== Tokens ==');
    expect(text.stdout).toMatch(/qw-oauth-3\.json \(3\)\s+expired/);
    for (const s of secrets) expect(text.stdout).not.toContain(s);
  });
});

describe('token-daemon refresh', () => {
  it('refreshes an existing token named by provider.alias', async () => {
    fake.seed('rt-cli');
    await writeToken(home, 'qw-oauth-1.json', { access_token: 'at-cli', refresh_token: 'rt-cli', expires_at: Date.now() + 3_600_000 });
    const r = await run('refresh', 'qw.1');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^refreshed qw-oauth-1\.json \(expires \d{4}-/);
    expect(fake.refreshCalls().at(-1)?.refreshToken).toBe('rt-cli');
  });

  it('explains an unknown selector', async () => {
    const r = await run('refresh', 'nope');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('provider "nope" is not configured with auth.type oauth (OAuth providers: qw)');
  });
});
