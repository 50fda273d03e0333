/**
 * The default ManagerStore: files under `$ROUTECODEX_HOME/state/`. Health and sessions live per server
 * (`state/router/<serverId>/`); leases are home-wide (`state/<lease name>.json`, see file-locks.ts).
 * One gateway process per home+serverId: counters stay in memory and `subscribe` never fires.
 */
import path from 'node:path';
import type { Clock } from '../../../../shared/clock.js';
import type { Logger } from '../../../../shared/logger.js';
import type { ManagerConfig } from '../../../config/schema.js';
import type { ManagerStore, StoreCapabilities } from '../types.js';
import { FileHealthPersistence } from './file-health.js';
import { FileLeaseLocks } from './file-locks.js';
import { FileSessionPersistence } from './file-sessions.js';
import { MemoryCounters } from './memory-counters.js';
import type { ReplaceHooks } from './replace-file.js';

export interface FileManagerStoreOptions {
  home: string;
  /** Filesystem-safe (the resolved config's `serverId`). */
  serverId: string;
  manager: Pick<ManagerConfig, 'healthTtlMs' | 'healthMaxEvents' | 'healthCompactBytes'>;
  clock: Clock;
  logger: Logger;
  /** Test hooks of the health file's compaction. */
  compactionHooks?: ReplaceHooks;
}

/** `$home/state/router/<serverId>`: where one server's health and sessions live. */
export function routerStateDir(home: string, serverId: string): string {
  return path.join(home, 'state', 'router', serverId);
}

export class FileManagerStore implements ManagerStore {
  readonly kind = 'file' as const;
  readonly capabilities: StoreCapabilities = { shared: false, holderExpires: false };
  readonly health: FileHealthPersistence;
  readonly sessions: FileSessionPersistence;
  readonly locks: FileLeaseLocks;
  readonly counters = new MemoryCounters();
  readonly dir: string;

  constructor(options: FileManagerStoreOptions) {
    const { home, serverId, manager, clock, logger } = options;
    this.dir = routerStateDir(home, serverId);
    this.health = new FileHealthPersistence({
      file: path.join(this.dir, 'health.jsonl'),
      ttlMs: manager.healthTtlMs,
      maxEvents: manager.healthMaxEvents,
      compactBytes: manager.healthCompactBytes,
      clock,
      logger,
      ...(options.compactionHooks ? { hooks: options.compactionHooks } : {}),
    });
    this.sessions = new FileSessionPersistence(path.join(this.dir, 'sessions'), clock, logger);
    this.locks = new FileLeaseLocks(path.join(home, 'state'), clock, (message) => logger.warn({ store: 'file' }, message));
  }

  async close(): Promise<void> {
    await this.health.close();
  }
}
