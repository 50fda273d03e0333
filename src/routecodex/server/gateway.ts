/** Everything a request handler needs, built once per server from the resolved config. */
import type { Logger } from '../../shared/logger.js';
import type { ResolvedConfig } from '../config/resolved.js';
import type { ModuleStatusEntry } from '../manager/daemon.js';
import type { RestoredHealth } from '../manager/health/health-manager.js';
import type { ResponsesConversationStore } from '../conversation/responses-store.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { ExchangeReport } from '../router/exchange-types.js';
import type { HealthTracker } from '../router/health/health-tracker.js';
import type { Router } from '../router/router.js';
import type { ApiKeyCheck } from './auth.js';
import type { GatewayMetrics } from './metrics.js';

export interface ExchangeObserver {
  exchangeFinished(report: ExchangeReport): void;
}

export interface Gateway {
  config: ResolvedConfig;
  providers: ProviderRegistry;
  router: Router;
  health: HealthTracker;
  apiKeys: ApiKeyCheck;
  logger: Logger;
  observers: ExchangeObserver[];
  /** Health records restored from disk at start (shown by /manager/state/health). */
  restoredHealth?: RestoredHealth[];
  /** The ManagerDaemon's modules and their status (shown by /manager/state/modules). */
  managerStatus?: () => ModuleStatusEntry[];
  /** Served at /metrics; also one of `observers`. */
  metrics?: GatewayMetrics;
  /** Conversations behind Responses `previous_response_id`. */
  responses: ResponsesConversationStore;
  version: string;
}
