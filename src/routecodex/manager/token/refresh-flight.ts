/**
 * One refresh of one token file across processes: whoever holds the lease `token-refresh/<hash of the
 * file>` refreshes; everybody else polls the file (and the lease) until the new token is there. The holder
 * RE-READS the file first (another process may have just refreshed it), calls the token endpoint, and
 * writes the new access token and the rotated refresh token atomically BEFORE anyone uses them.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import { parseTokenDocument, type OAuthToken } from '../../providers/token-file.js';
import type { LeaseLocks } from '../store/types.js';
import { isFresh } from './freshness.js';
import { refreshGate, type FailureKind, type RefreshHistory } from './history.js';
import { OAuthError, refreshGrant } from './oauth-client.js';
import type { OAuthSettings } from './oauth-settings.js';
import { TokenError, loginHint } from './token-errors.js';
import { fileStamp, mergeGrant, writeTokenDocument, type TokenReader } from './token-files.js';

/** `ahead`: refresh unless valid beyond refreshAheadMs; `unauthorized`: replace a rejected token; `manual`: always. */
export type RefreshMode = 'ahead' | 'unauthorized' | 'manual';

export interface RefreshFlightOptions {
  locks: LeaseLocks;
  reader: TokenReader;
  history: RefreshHistory;
  logger: Logger;
  clock: Clock;
  ownerId: string;
  requestTimeoutMs?: number;
  /** How often a waiter looks at the file and the lease (default 50 ms). */
  pollMs?: number;
}

export function refreshLeaseName(file: string): string {
  return `token-refresh/${createHash('sha256').update(path.resolve(file)).digest('hex').slice(0, 32)}`;
}

export class RefreshFlight {
  private readonly timeoutMs: number;
  /** Longer than anything the holder does while holding it, so it never expires under a live holder. */
  private readonly leaseTtlMs: number;

  constructor(private readonly o: RefreshFlightOptions) {
    this.timeoutMs = o.requestTimeoutMs ?? 15_000;
    this.leaseTtlMs = 2 * this.timeoutMs + 30_000;
  }

  async run(file: string, settings: OAuthSettings, mode: RefreshMode, rejected?: string): Promise<OAuthToken> {
    const lease = refreshLeaseName(file);
    const before = await this.o.reader.read(file);
    const deadline = performance.now() + this.leaseTtlMs + 5_000;
    for (;;) {
      const held = await this.o.locks.acquire(lease, this.o.ownerId, this.leaseTtlMs);
      if (held) {
        try {
          return await this.refreshHolding(file, settings, mode, rejected);
        } finally {
          await this.o.locks.release(held).catch((e: unknown) => this.o.logger.warn({ lease, err: (e as Error).message }, 'could not release a token refresh lease'));
        }
      }
      // Another process is refreshing this token: its result will do.
      const now = await this.o.reader.read(file);
      if (this.satisfies(now, before, settings, mode, rejected)) return now;
      if (performance.now() > deadline) {
        throw new TokenError(file, 'busy', `another process has held the refresh lease for more than ${this.leaseTtlMs} ms`);
      }
      await delay(this.o.pollMs ?? 50);
    }
  }

  private satisfies(token: OAuthToken, before: OAuthToken, settings: OAuthSettings, mode: RefreshMode, rejected: string | undefined): boolean {
    switch (mode) {
      case 'ahead':
        return isFresh(token, settings.refreshAheadMs, this.o.clock.now());
      case 'unauthorized':
        return rejected === undefined ? token.accessToken !== before.accessToken : token.accessToken !== rejected;
      case 'manual':
        return token.accessToken !== before.accessToken;
    }
  }

  private async refreshHolding(file: string, settings: OAuthSettings, mode: RefreshMode, rejected: string | undefined): Promise<OAuthToken> {
    const token = await this.o.reader.read(file);
    const now = this.o.clock.now();
    if (mode === 'ahead' && isFresh(token, settings.refreshAheadMs, now)) return token;
    if (mode === 'unauthorized' && rejected !== undefined && token.accessToken !== rejected) return token;
    if (!token.refreshToken || token.noRefresh) {
      throw new TokenError(file, 'not-refreshable', `${token.noRefresh ? 'marked norefresh' : 'no refresh token'}; ${loginHint(file)}`);
    }
    const stamp = await fileStamp(file);
    if (mode !== 'manual') {
      const gate = refreshGate(await this.o.history.get(file), stamp, now);
      if (!gate.allowed) {
        const why = gate.reason === 'suspended' ? `automatic refresh suspended after repeated failures; ${loginHint(file)}` : `last refresh failed; next attempt after ${new Date(gate.until ?? now).toISOString()}`;
        throw new TokenError(file, gate.reason, `${why}${gate.lastError ? ` (last error: ${gate.lastError})` : ''}`);
      }
    }
    let doc: Record<string, unknown>;
    try {
      const grant = await refreshGrant(settings, token.refreshToken, () => this.o.clock.now(), this.timeoutMs);
      doc = mergeGrant(token.raw, grant, this.o.clock.now());
    } catch (e) {
      const kind: FailureKind = e instanceof OAuthError ? e.kind : 'transient';
      await this.recordFailure(file, settings, kind, (e as Error).message, stamp);
      const hint = kind === 'invalid_grant' ? `; ${loginHint(file)}` : kind === 'transient' ? '; will retry later' : '';
      throw new TokenError(file, kind, `${(e as Error).message}${hint}`);
    }
    try {
      await writeTokenDocument(file, doc);
    } catch (e) {
      const message = `the refreshed token could not be written (${(e as Error).message}); the rotated refresh token is lost — ${loginHint(file)}`;
      this.o.logger.error({ file: path.basename(file) }, message);
      await this.recordFailure(file, settings, 'rejected', message, stamp);
      throw new TokenError(file, 'persist', message);
    }
    await this.o.history
      .recordSuccess(file, settings.providerId, this.o.clock.now())
      .catch((e: unknown) => this.o.logger.warn({ err: (e as Error).message }, 'could not record a token refresh in the history'));
    this.o.logger.info({ file: path.basename(file), mode }, 'token refreshed');
    return parseTokenDocument(doc, file);
  }

  private async recordFailure(file: string, settings: OAuthSettings, kind: FailureKind, message: string, stamp: Awaited<ReturnType<typeof fileStamp>>): Promise<void> {
    try {
      const entry = await this.o.history.recordFailure(file, settings.providerId, this.o.clock.now(), kind, message, stamp);
      const level = entry.suspended ? 'error' : 'warn';
      this.o.logger[level]({ file: path.basename(file), kind, consecutiveFailures: entry.consecutiveFailures, suspended: entry.suspended }, `token refresh failed: ${message}`);
    } catch (e) {
      this.o.logger.warn({ err: (e as Error).message }, 'could not record a token refresh failure in the history');
    }
  }
}
