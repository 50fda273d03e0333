/**
 * `TokenManagerModule` (id `token`): the TokenManager inside the server's ManagerDaemon. `tokenProvider()`
 * can be handed to the provider registry before the daemon starts: until `init()` it reads token files
 * as they are; from `init()` on it refreshes on demand. `start()` makes one attempt at leadership and
 * returns (no network, nothing interactive); with no OAuth provider configured there is nothing to lead.
 */
import { fileTokenProvider, type TokenProvider } from '../../providers/credentials.js';
import path from 'node:path';
import { FallbackLeaseLocks } from '../store/fallback-locks.js';
import { FileLeaseLocks } from '../store/file/file-locks.js';
import { capabilitiesOf } from '../store/types.js';
import type { ManagerContext, ManagerModule } from '../types.js';
import { oauthProvidersOf } from './oauth-settings.js';
import { TokenManager } from './token-manager.js';

export interface TokenManagerModuleOptions {
  refreshIntervalMs?: number;
  leaderTtlMs?: number;
  leaderRetryMs?: number;
  /** Timeout of one token-endpoint call (default 15 s). */
  requestTimeoutMs?: number;
  /** Default `server:<serverId>`. */
  ownerId?: string;
}

export class TokenManagerModule implements ManagerModule {
  readonly id = 'token';
  private manager: TokenManager | undefined;
  private context: ManagerContext | undefined;

  constructor(private readonly options: TokenManagerModuleOptions = {}) {}

  tokenProvider(): TokenProvider {
    return {
      accessToken: (file) => (this.manager ? this.manager.service.accessToken(file) : fileTokenProvider.accessToken(file)),
      refreshAfterUnauthorized: (file, rejected) =>
        this.manager ? this.manager.service.refreshAfterUnauthorized(file, rejected) : fileTokenProvider.refreshAfterUnauthorized(file, rejected),
    };
  }

  /** The TokenManager once initialised (for status and tests). */
  get tokenManager(): TokenManager | undefined {
    return this.manager;
  }

  init(context: ManagerContext): void {
    this.context = context;
    const { refreshIntervalMs, requestTimeoutMs } = this.options;
    // A non-leader retries every quarter of the ttl: a dead leader's lease (renewed every third of the
    // ttl) lapses at most 2/3 ttl after it died, so another instance leads within one ttl.
    const leaderTtlMs = this.options.leaderTtlMs ?? context.config.raw.manager.leaderTtlMs;
    const leaderRetryMs = this.options.leaderRetryMs ?? Math.max(1, Math.floor(leaderTtlMs / 4));
    this.manager = new TokenManager({
      home: context.home,
      providers: oauthProvidersOf(context.config.raw),
      locks: capabilitiesOf(context.store).shared
        ? new FallbackLeaseLocks(context.store.locks, new FileLeaseLocks(path.join(context.home, 'state'), context.clock, (m) => context.logger.warn(m)))
        : context.store.locks,
      logger: context.logger.child({ module: 'token' }),
      clock: context.clock,
      ownerId: this.options.ownerId ?? `server:${context.serverId}`,
      ...(refreshIntervalMs !== undefined ? { refreshIntervalMs } : {}),
      leaderTtlMs,
      leaderRetryMs,
      ...(requestTimeoutMs !== undefined ? { requestTimeoutMs } : {}),
    });
  }

  async start(): Promise<void> {
    if (!this.manager || !this.context) throw new Error('token module started before init');
    if (this.manager.service.providers.size === 0) {
      this.context.logger.debug({ module: 'token' }, 'no OAuth provider configured: no background token refresher');
      return;
    }
    await this.manager.start();
  }

  async stop(): Promise<void> {
    await this.manager?.stop();
  }
}
