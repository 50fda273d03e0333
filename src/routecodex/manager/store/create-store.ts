/** The one place a ManagerStore is chosen from the config (`manager.store`). */
import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { ResolvedConfig } from '../../config/resolved.js';
import { FileManagerStore } from './file/file-store.js';
import { RedisManagerStore } from './redis/redis-store.js';
import type { ManagerStore } from './types.js';

export interface StoreEnvironment {
  home: string;
  clock: Clock;
  logger: Logger;
}

/** Thrown for a store the config asks for that cannot be used; start-up reports its message. */
export class ManagerStoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ManagerStoreUnavailableError';
  }
}

export async function createManagerStore(config: ResolvedConfig, env: StoreEnvironment): Promise<ManagerStore> {
  const manager = config.raw.manager;
  switch (manager.store) {
    case 'file':
      return new FileManagerStore({ home: env.home, serverId: config.serverId, manager, clock: env.clock, logger: env.logger });
    case 'redis':
      if (!/^rediss?:\/\//.test(manager.redisUrl)) {
        throw new ManagerStoreUnavailableError(`manager.redisUrl must be a redis:// or rediss:// URL, got "${manager.redisUrl}"`);
      }
      // Never fails on an unreachable Redis: it warns once and the gateway starts on local state.
      return RedisManagerStore.open({ manager, clock: env.clock, logger: env.logger });
  }
}
