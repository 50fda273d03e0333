/**
 * Leader election over a lease: one attempt at `start()`, then the leader renews every ttl/3 and a
 * non-leader tries again every `retryMs` (a dead or silent leader's lease is taken over once stale).
 * Losing the lease (a renew that finds another holder) calls `onLost`; every timer is unref'd and
 * stopped by `stop()`, which also releases the lease.
 */
import type { Logger } from '../../../shared/logger.js';
import { StoreUnavailableError, type Lease, type LeaseHolder, type LeaseLocks } from '../store/types.js';

export interface LeaderElectionOptions {
  locks: LeaseLocks;
  name: string;
  ownerId: string;
  ttlMs: number;
  /** How often a non-leader tries again (default: the ttl). */
  retryMs?: number;
  logger: Logger;
  onElected(): void;
  onLost(): void | Promise<void>;
}

export interface ElectionResult {
  leader: boolean;
  /** The current holder when this process is not the leader (undefined if it could not be read). */
  holder?: LeaseHolder;
}

export function describeHolder(h: LeaseHolder): string {
  return `owner=${h.ownerId}, pid=${h.pid}${h.hostname ? `, host=${h.hostname}` : ''}`;
}

export class LeaderElection {
  private lease: Lease | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;
  private lastSeenHolder = '';

  constructor(private readonly o: LeaderElectionOptions) {}

  isLeader(): boolean {
    return this.lease !== undefined;
  }

  /** One attempt now; afterwards the election keeps going on its own until `stop()`. */
  async start(): Promise<ElectionResult> {
    try {
      return await this.attempt();
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) throw e;
      this.o.logger.debug({ lease: this.o.name, err: e.message }, 'leader election waits for the store');
      return { leader: false };
    } finally {
      this.schedule(); // also after a failed attempt (an unwritable state dir may recover)
    }
  }

  /** Stops the timers, runs `beforeRelease` (e.g. stopping the leader's work), then releases the lease. */
  async stop(beforeRelease?: () => Promise<void>): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined); // its errors were logged where they happened
    await beforeRelease?.();
    const lease = this.lease;
    this.lease = undefined;
    if (lease) await this.o.locks.release(lease);
  }

  private async attempt(): Promise<ElectionResult> {
    const lease = await this.o.locks.acquire(this.o.name, this.o.ownerId, this.o.ttlMs);
    if (lease) {
      this.lease = lease;
      this.lastSeenHolder = '';
      if (this.stopped) return { leader: true };
      this.o.logger.info({ lease: this.o.name, fence: lease.holder.fence }, `${this.o.name}: this process is the leader (owner=${this.o.ownerId})`);
      this.o.onElected();
      return { leader: true };
    }
    const holder = await this.o.locks.holder(this.o.name);
    const key = holder ? `${holder.ownerId}:${holder.pid}:${holder.acquiredAt}` : '?';
    if (key !== this.lastSeenHolder) {
      this.lastSeenHolder = key;
      this.o.logger.info(
        { lease: this.o.name, holder },
        `token manager leader already active (${holder ? `owner=${holder.ownerId}, pid=${holder.pid}` : 'holder unreadable'}); this process does not run the background refresher`,
      );
    }
    return holder ? { leader: false, holder } : { leader: false };
  }

  private async renew(lease: Lease): Promise<void> {
    let kept: boolean;
    try {
      kept = await this.o.locks.renew(lease, this.o.ttlMs);
    } catch (e) {
      // An unreachable shared store has already warned once for its outage.
      const level = e instanceof StoreUnavailableError ? 'debug' : 'warn';
      this.o.logger[level]({ lease: this.o.name, err: (e as Error).message }, 'could not renew the leader lease; retrying');
      return;
    }
    if (kept || this.stopped) return;
    this.lease = undefined;
    this.o.logger.warn({ lease: this.o.name }, `${this.o.name}: leadership lost (another process took the lease over)`);
    await this.o.onLost();
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay = this.lease ? Math.max(1, Math.floor(this.o.ttlMs / 3)) : (this.o.retryMs ?? this.o.ttlMs);
    this.timer = setTimeout(() => {
      const lease = this.lease;
      const step = lease ? this.renew(lease) : this.attempt();
      this.running = step
        .catch((e: unknown) => this.o.logger[e instanceof StoreUnavailableError ? 'debug' : 'warn']({ lease: this.o.name, err: (e as Error).message }, 'leader election step failed'))
        .finally(() => this.schedule());
    }, delay);
    this.timer.unref();
  }
}
