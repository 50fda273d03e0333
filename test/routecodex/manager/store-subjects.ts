/** The stores the conformance suite runs on: each `place()` is a fresh temp home or key prefix. */
import type { ManagerStore } from '../../../src/routecodex/manager/store/types.js';
import type { Clock, ManualClock } from '../../../src/shared/clock.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { dropPrefix, openRedisStore, uniquePrefix } from './redis-support.js';
import { fileStore } from './support.js';

export const TTL = 3_600_000; // healthTtlMs of these stores
export const MAX_EVENTS = 5;

export interface Opened {
  /** Opens a store on this place; a second one on the same place is another instance. */
  open(clock: Clock): Promise<ManagerStore>;
}

export interface Subject {
  name: string;
  /** A fresh place (temp home / key prefix) and a cleanup that removes it. */
  place(): Promise<Opened & { cleanup(): Promise<void> }>;
}

export const subjects: Subject[] = [
  {
    name: 'FileManagerStore',
    async place() {
      const home = await tempDir('rcx-conform-');
      const stores: ManagerStore[] = [];
      return {
        async open(clock) {
          const s = fileStore(home.path, clock as ManualClock, silentLogger(), { healthTtlMs: TTL, healthMaxEvents: MAX_EVENTS });
          stores.push(s);
          return s;
        },
        async cleanup() {
          for (const s of stores) await s.close();
          await home.remove();
        },
      };
    },
  },
  {
    name: 'RedisManagerStore',
    async place() {
      const prefix = uniquePrefix('conform');
      const stores: ManagerStore[] = [];
      return {
        async open(clock) {
          const s = await openRedisStore(prefix, clock, silentLogger(), { healthTtlMs: TTL, healthMaxEvents: MAX_EVENTS });
          stores.push(s);
          return s;
        },
        async cleanup() {
          for (const s of stores) await s.close();
          await dropPrefix(prefix);
        },
      };
    },
  },
];
