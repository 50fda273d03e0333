/**
 * `TokenManagerModule` (id `token`): the TokenManager inside the server's ManagerDaemon. `tokenProvider()`
 * can be handed to the provider registry before the daemon starts: until `init()` it reads token files
 * as they are; from `init()` on it refreshes on demand. `start()` makes one attempt at leadership and
 * returns (no network, nothing interactive); with no OAuth provider configured there is nothing to lead.
 */
import { fileTokenProvider, type TokenProvider } from '../../providers/credentials.js';
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
    const { refreshIntervalMs, leaderTtlMs, leaderRetryMs, requestTimeoutMs } = this.options;
    this.manager = new TokenManager({
      home: context.home,
      providers: oauthProvidersOf(context.config.raw),
      locks: context.store.locks,
      logger: context.logger.child({ module: 'token' }),
      clock: context.clock,
      ownerId: this.options.ownerId ?? `server:${context.serverId}`,
      ...(refreshIntervalMs !== undefined ? { refreshIntervalMs } : {}),
      ...(leaderTtlMs !== undefined ? { leaderTtlMs } : {}),
      ...(leaderRetryMs !== undefined ? { leaderRetryMs } : {}),
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
