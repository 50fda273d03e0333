/**
 * `manager.store: redis`: the ManagerStore that several gateway instances share (`redisUrl`,
 * `redisKeyPrefix`). Every facet goes through one `RedisLink`, which fails fast while Redis is down and
 * says when it is back; change notices travel on `<prefix>events`. The modules in front of it keep their
 * local copies, so the request path never waits on Redis (see health-manager.ts, routing-state-manager.ts).
 */
import type { Clock } from '../../../../shared/clock.js';
import type { Logger } from '../../../../shared/logger.js';
import type { ManagerConfig } from '../../../config/schema.js';
import type { ManagerStore, StoreCapabilities } from '../types.js';
import { RedisLink } from './connection.js';
import { RedisKeys } from './keys.js';
import { RedisNotices } from './pubsub.js';
import { RedisCounters } from './redis-counters.js';
import { RedisHealthPersistence } from './redis-health.js';
import { RedisLeaseLocks } from './redis-locks.js';
import { RedisSessionPersistence } from './redis-sessions.js';

export interface RedisManagerStoreOptions {
  manager: Pick<ManagerConfig, 'redisUrl' | 'redisKeyPrefix' | 'healthTtlMs' | 'healthMaxEvents'>;
  clock: Clock;
  logger: Logger;
  /** Longest wait for a connection or a reply (default 2 s). */
  timeoutMs?: number;
}

export class RedisManagerStore implements ManagerStore {
  readonly kind = 'redis' as const;
  readonly capabilities: StoreCapabilities = { shared: true, holderExpires: true };
  readonly link: RedisLink;
  readonly keys: RedisKeys;
  readonly health: RedisHealthPersistence;
  readonly sessions: RedisSessionPersistence;
  readonly locks: RedisLeaseLocks;
  readonly counters: RedisCounters;
  private readonly notices: RedisNotices;
  private closed = false;

  private constructor(options: RedisManagerStoreOptions) {
    const { manager, clock, logger } = options;
    const log = logger.child({ store: 'redis' });
    this.link = new RedisLink({ url: manager.redisUrl, logger: log, ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}) });
    this.keys = new RedisKeys(manager.redisKeyPrefix);
    this.notices = new RedisNotices(this.link, this.keys.channel, log);
    const shared = { link: this.link, keys: this.keys, notices: this.notices, clock, logger: log };
    this.health = new RedisHealthPersistence({ ...shared, ttlMs: manager.healthTtlMs, maxEvents: manager.healthMaxEvents });
    this.sessions = new RedisSessionPersistence(shared);
    this.locks = new RedisLeaseLocks(this.link, this.keys, clock);
    this.counters = new RedisCounters(this.link, this.keys);
  }

  /**
   * Connects and subscribes. When Redis cannot be reached now, the store is returned anyway (after ONE
   * warning): the gateway starts with local state and reconciles once Redis answers.
   */
  static async open(options: RedisManagerStoreOptions): Promise<RedisManagerStore> {
    const store = new RedisManagerStore(options);
    await store.link.open();
    await store.notices.start();
    return store;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notices.stop();
    await this.link.close();
  }
}
