/**
 * The TokenManager: the token service plus leadership. Whoever holds the lease `token-manager/leader`
 * (one process per home: a server's TokenManagerModule or `routecodex token-daemon start`) runs the
 * background refresher; every process serves `accessToken` with single-flight on-demand refreshes.
 */
import type { LeaseHolder } from '../store/types.js';
import { LeaderElection, type ElectionResult } from './leader.js';
import { BackgroundRefresher } from './refresher.js';
import { authDirOf } from './token-files.js';
import { TokenService, type TokenServiceOptions } from './token-service.js';

export const LEADER_LEASE = 'token-manager/leader';

export interface TokenManagerOptions extends TokenServiceOptions {
  /** Background refresh interval (default 60 s). */
  refreshIntervalMs?: number;
  /** Leader lease ttl (default 30 s; renewed every ttl/3). */
  leaderTtlMs?: number;
  /** How often a non-leader tries to become the leader (default: the ttl). */
  leaderRetryMs?: number;
}

export class TokenManager {
  readonly service: TokenService;
  readonly refresher: BackgroundRefresher;
  private readonly election: LeaderElection;

  constructor(private readonly options: TokenManagerOptions) {
    this.service = new TokenService(options);
    this.refresher = new BackgroundRefresher(this.service, authDirOf(options.home), options.refreshIntervalMs ?? 60_000, options.logger, options.clock);
    const ttlMs = options.leaderTtlMs ?? 30_000;
    this.election = new LeaderElection({
      locks: options.locks,
      name: LEADER_LEASE,
      ownerId: options.ownerId,
      ttlMs,
      ...(options.leaderRetryMs !== undefined ? { retryMs: options.leaderRetryMs } : {}),
      logger: options.logger,
      onElected: () => this.refresher.start(),
      onLost: () => this.refresher.stop(),
    });
  }

  /** Tries to become the leader once (never waits on a refresh); keeps trying in the background. */
  start(): Promise<ElectionResult> {
    return this.election.start();
  }

  isLeader(): boolean {
    return this.election.isLeader();
  }

  leader(): Promise<LeaseHolder | undefined> {
    return this.options.locks.holder(LEADER_LEASE);
  }

  /** Stops the refresher (waiting for a running refresh to be written), then releases the lease. */
  async stop(): Promise<void> {
    await this.election.stop(() => this.refresher.stop());
  }
}
