/**
 * `routecodex token-daemon refresh <selector>`: an existing token with a refresh token is refreshed first
 * (a refusal falls through to a new login; a network problem does not — a login would not help); otherwise,
 * or with `--login`, a device-code login writes the token file (under the token's refresh lease, so a
 * refresh running elsewhere cannot overwrite the new login with a refreshed old token).
 */
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../../shared/clock.js';
import type { LeaseLocks } from '../store/types.js';
import { deviceLogin } from './device-flow.js';
import { refreshLeaseName } from './refresh-flight.js';
import type { TokenSelection } from './selector.js';
import { TokenError } from './token-errors.js';
import { mergeGrant, writeTokenDocument } from './token-files.js';
import type { TokenService } from './token-service.js';

export interface LoginDeps {
  service: TokenService;
  locks: LeaseLocks;
  ownerId: string;
  clock: Clock;
  print(line: string): void;
  requestTimeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface LoginResult {
  file: string;
  method: 'refresh' | 'device-code';
  expiresAt?: number;
}

const LEASE_TTL_MS = 60_000;

async function withLease<T>(locks: LeaseLocks, name: string, ownerId: string, fn: () => Promise<T>): Promise<T> {
  const deadline = performance.now() + LEASE_TTL_MS + 5_000;
  for (;;) {
    const lease = await locks.acquire(name, ownerId, LEASE_TTL_MS);
    if (lease) {
      try {
        return await fn();
      } finally {
        await locks.release(lease);
      }
    }
    if (performance.now() > deadline) throw new Error(`lease ${name} stayed held by another process`);
    await delay(100);
  }
}

export async function refreshOrLogin(sel: TokenSelection, forceLogin: boolean, d: LoginDeps): Promise<LoginResult> {
  const name = path.basename(sel.file);
  let refused: TokenError | undefined;
  if (sel.exists && !forceLogin) {
    const current = await d.service.reader.read(sel.file).then(
      (t) => t,
      () => {
        d.print(`${name} is not a valid token file; starting a device-code login`);
        return undefined;
      },
    );
    if (current?.refreshToken && !current.noRefresh) {
      try {
        const token = await d.service.refreshNow(sel.file);
        return { file: sel.file, method: 'refresh', ...(token.expiresAt !== undefined ? { expiresAt: token.expiresAt } : {}) };
      } catch (e) {
        if (!(e instanceof TokenError) || e.kind === 'transient' || e.kind === 'busy' || e.kind === 'persist') throw e;
        refused = e;
        if (sel.settings.flow === 'device-code') d.print(`refresh of ${name} failed (${e.message}); starting a device-code login`);
      }
    }
  }
  if (sel.settings.flow !== 'device-code') {
    if (refused) throw refused;
    throw new Error(`provider ${sel.settings.providerId} has auth.flow refresh-only: a new login cannot be made here; put a token file at ${sel.file}`);
  }
  const grant = await deviceLogin(sel.settings, {
    prompt: (p) => {
      d.print(`To log in to ${sel.settings.providerId}, open ${p.verificationUri} and enter the code ${p.userCode}`);
      if (p.verificationUriComplete) d.print(`(or open ${p.verificationUriComplete})`);
      d.print(`Waiting for approval (the code expires in ${Math.round(p.expiresInSec / 60)} min)…`);
    },
    now: () => d.clock.now(),
    ...(d.requestTimeoutMs !== undefined ? { requestTimeoutMs: d.requestTimeoutMs } : {}),
    ...(d.sleep ? { sleep: d.sleep } : {}),
  });
  const doc = mergeGrant({}, grant, d.clock.now());
  await withLease(d.locks, refreshLeaseName(sel.file), d.ownerId, () => writeTokenDocument(sel.file, doc));
  await d.service.history.recordSuccess(sel.file, sel.settings.providerId, d.clock.now());
  return { file: sel.file, method: 'device-code', ...(grant.expiresAt !== undefined ? { expiresAt: grant.expiresAt } : {}) };
}
