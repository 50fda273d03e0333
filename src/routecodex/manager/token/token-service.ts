/**
 * The TokenManager's service: valid access tokens for the request path (`TokenProvider`). A fresh token
 * (valid beyond its provider's `refreshAheadMs`, see freshness.ts) is returned as is; otherwise it is refreshed first —
 * one refresh per token file at a time, in this process (one shared promise) and across processes (the
 * refresh lease, see refresh-flight.ts). A failed refresh of a token that is still usable returns the
 * current token; nothing on this path is ever interactive.
 */
import path from 'node:path';
import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { TokenProvider } from '../../providers/credentials.js';
import type { OAuthToken } from '../../providers/token-file.js';
import type { LeaseLocks } from '../store/types.js';
import { isFresh, validFor } from './freshness.js';
import { RefreshHistory } from './history.js';
import { parseTokenFileName, type OAuthSettings } from './oauth-settings.js';
import { RefreshFlight, type RefreshMode } from './refresh-flight.js';
import { TokenError, loginHint } from './token-errors.js';
import { TokenReader } from './token-files.js';

/** A token this close to expiry is not sent any more. */
const USABLE_SKEW_MS = 5_000;

export interface TokenServiceOptions {
  home: string;
  providers: ReadonlyMap<string, OAuthSettings>;
  locks: LeaseLocks;
  logger: Logger;
  clock: Clock;
  /** Owner id of this process in the refresh leases, e.g. `server:<serverId>`. */
  ownerId: string;
  /** Timeout of one call to a token endpoint (default 15 s). */
  requestTimeoutMs?: number;
}

export class TokenService implements TokenProvider {
  readonly reader = new TokenReader();
  readonly history: RefreshHistory;
  private readonly flight: RefreshFlight;
  private readonly inflight = new Map<string, Promise<OAuthToken>>();

  constructor(private readonly options: TokenServiceOptions) {
    this.history = new RefreshHistory(RefreshHistory.fileIn(options.home), options.logger);
    this.flight = new RefreshFlight({ ...options, reader: this.reader, history: this.history });
  }

  get providers(): ReadonlyMap<string, OAuthSettings> {
    return this.options.providers;
  }

  settingsOf(file: string): OAuthSettings | undefined {
    const name = parseTokenFileName(file);
    return name ? this.options.providers.get(name.providerId) : undefined;
  }

  async accessToken(file: string): Promise<string> {
    const token = await this.reader.read(file);
    const settings = this.settingsOf(file);
    const now = this.options.clock.now();
    if (isFresh(token, settings?.refreshAheadMs ?? 0, now)) return token.accessToken;
    const usable = validFor(token, USABLE_SKEW_MS, now);
    if (!settings || !token.refreshToken || token.noRefresh) {
      if (usable) return token.accessToken;
      const why = !settings ? 'its provider has no OAuth settings in the config' : token.noRefresh ? 'it is marked norefresh' : 'it has no refresh token';
      throw new TokenError(file, 'not-refreshable', `the access token expired and cannot be refreshed (${why}); ${loginHint(file)}`);
    }
    try {
      return (await this.refresh(file, 'ahead')).accessToken;
    } catch (e) {
      if (!usable) throw e;
      if (!(e instanceof TokenError && (e.kind === 'backoff' || e.kind === 'suspended'))) {
        this.options.logger.warn({ file: path.basename(file), err: (e as Error).message }, 'token refresh ahead of expiry failed; using the current token while it lasts');
      }
      return token.accessToken;
    }
  }

  async refreshAfterUnauthorized(file: string, rejected: string | undefined): Promise<boolean> {
    try {
      const current = await this.reader.read(file);
      if (rejected !== undefined && current.accessToken !== rejected) return true; // refreshed meanwhile
      if (!this.settingsOf(file) || !current.refreshToken || current.noRefresh) return false;
      // A joined in-flight refresh may have been an ahead-of-expiry one that kept the rejected token: then force one.
      for (let round = 0; round < 2; round++) {
        const next = await this.refresh(file, 'unauthorized', rejected);
        if (next.accessToken !== rejected) return true;
      }
      return false;
    } catch (e) {
      this.options.logger.warn({ file: path.basename(file), err: (e as Error).message }, 'token refresh after an upstream 401/403 failed');
      return false;
    }
  }

  /** A refresh the user asked for: ignores suspension and backoff; its success lifts a suspension. */
  refreshNow(file: string): Promise<OAuthToken> {
    return this.refresh(file, 'manual');
  }

  /** One refresh per token file at a time in this process; callers arriving meanwhile share its result. */
  refresh(file: string, mode: RefreshMode, rejected?: string): Promise<OAuthToken> {
    const key = path.resolve(file);
    const running = this.inflight.get(key);
    if (running) return running;
    const settings = this.settingsOf(key);
    const run = settings
      ? this.flight.run(key, settings, mode, rejected)
      : Promise.reject(new TokenError(key, 'not-refreshable', 'its provider has no OAuth settings in the config'));
    const shared = run.finally(() => this.inflight.delete(key));
    this.inflight.set(key, shared);
    return shared;
  }
}
