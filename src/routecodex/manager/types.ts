/** The ManagerDaemon's module contract (the seed's `ManagerModule` / `ManagerContext`). */
import type { Logger } from '../../shared/logger.js';
import type { Clock } from '../../shared/clock.js';
import type { ResolvedConfig } from '../config/resolved.js';
import type { ManagerStore } from './store/types.js';

export interface ManagerContext {
  /** Filesystem-safe id of this server; state lives under `state/router/<serverId>/`. */
  serverId: string;
  home: string;
  config: ResolvedConfig;
  store: ManagerStore;
  logger: Logger;
  clock: Clock;
}

export interface ManagerModule {
  readonly id: string;
  init(context: ManagerContext): Promise<void> | void;
  /** Must not wait on anything interactive (an OAuth login never blocks start-up). */
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export type ModuleStatus = 'registered' | 'initialized' | 'started' | 'stopped' | 'failed';
