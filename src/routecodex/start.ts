/**
 * `startRouteCodex`: the one public way to run the gateway in-process (the CLI and mimikit's embedded
 * mode both use it). Loads and resolves the config, refuses an unsafe bind, builds the gateway and listens.
 */
import type { FastifyInstance } from 'fastify';
import { isLoopbackHost } from '../shared/net.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { loadConfig, routecodexHome, type LoadConfigOptions } from './config/load.js';
import type { ResolvedConfig } from './config/resolved.js';
import { ProviderRegistry } from './providers/registry.js';
import { ResponsesConversationStore } from './conversation/responses-store.js';
import { systemClock } from '../shared/clock.js';
import { ManagerDaemon } from './manager/daemon.js';
import { HealthManager } from './manager/health/health-manager.js';
import { RoutingStateManager } from './manager/routing/routing-state-manager.js';
import { createManagerStore, ManagerStoreUnavailableError } from './manager/store/create-store.js';
import { TokenManagerModule } from './manager/token/index.js';
import { capabilitiesOf, type ManagerStore } from './manager/store/types.js';
import { BlockRotationCounter } from './manager/routing/shared-rotation.js';
import { SharedRateGate } from './manager/routing/shared-rate-gate.js';
import { HealthTracker } from './router/health/health-tracker.js';
import { seriesPeersOf } from './router/health/series-peers.js';
import { Router } from './router/router.js';
import { buildApp } from './server/app.js';
import { ApiKeyCheck } from './server/auth.js';
import type { Gateway } from './server/gateway.js';
import { GatewayMetrics } from './server/metrics.js';

export const ROUTECODEX_VERSION = '0.1.0';

export interface StartRouteCodexOptions extends LoadConfigOptions {
  host?: string;
  port?: number;
  logger?: Logger;
  logLevel?: string;
}

export interface RouteCodexServer {
  url: string;
  host: string;
  port: number;
  config: ResolvedConfig;
  home: string;
  close(): Promise<void>;
}

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

export async function startRouteCodex(options: StartRouteCodexOptions = {}): Promise<RouteCodexServer> {
  const env = options.env ?? process.env;
  const home = options.home ?? routecodexHome(env);
  const config = await loadConfig({ ...options, env, home });
  const http = config.raw.httpserver;
  if (options.host !== undefined) http.host = options.host;
  if (options.port !== undefined) http.port = options.port;
  if (!isLoopbackHost(http.host) && http.apiKeys.length === 0) {
    throw new StartupError(
      `refusing to listen on ${http.host}: a non-loopback address needs httpserver.apiKeys (or ROUTECODEX_API_KEY) so that nobody else can spend your provider keys`,
    );
  }
  const logger = options.logger ?? createLogger({ name: 'routecodex', level: options.logLevel ?? config.raw.logging.level });
  const clock = systemClock;
  const store = await openManagerStore(config, home, logger);
  // The ManagerDaemon runs before listen; no module waits on anything interactive.
  const tokens = new TokenManagerModule();
  const routing = new RoutingStateManager();
  const healthManager = new HealthManager();
  const daemon = new ManagerDaemon().register(tokens).register(routing).register(healthManager);
  await daemon.start({ serverId: config.serverId, home, config, store, logger: logger.child({ component: 'manager' }), clock });
  const providers = new ProviderRegistry(config, tokens.tokenProvider());
  const health = new HealthTracker(healthManager.store, config.raw.virtualrouter.health, clock, seriesPeersOf(config));
  // Round-robin positions and rpm windows: shared by every instance on a shared store (Redis).
  const shared = capabilitiesOf(store).shared;
  const counter = shared ? new BlockRotationCounter(store.counters, logger) : undefined;
  const rateGate = shared ? new SharedRateGate(store.counters, clock, logger) : undefined;
  const metrics = new GatewayMetrics();
  health.onTransition(metrics.healthTransition);
  const gateway: Gateway = {
    config,
    providers,
    router: new Router({ config, health, sessions: routing, clock, ...(counter ? { counter } : {}), ...(rateGate ? { rateGate } : {}) }),
    health,
    apiKeys: new ApiKeyCheck(http.apiKeys),
    logger,
    observers: [metrics],
    metrics,
    restoredHealth: healthManager.restored(),
    managerStatus: () => daemon.status(),
    responses: new ResponsesConversationStore(config.raw.responses, clock),
    version: ROUTECODEX_VERSION,
  };
  const app: FastifyInstance = buildApp(gateway);
  const shutdown = async () => {
    await daemon.stop();
    await providers.close();
    await store.close();
  };
  try {
    await app.listen({ host: http.host, port: http.port });
  } catch (e) {
    await app.close();
    await shutdown();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : http.port;
  const urlHost = http.host.includes(':') ? `[${http.host}]` : http.host;
  logger.info({ host: http.host, port, serverId: config.serverId, source: config.source, configured: config.configured }, 'routecodex listening');
  if (!config.configured) {
    logger.warn('no provider configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY (or OPENAI_BASE_URL), or write $ROUTECODEX_HOME/config.yaml');
  }
  let closed = false;
  return {
    url: `http://${urlHost}:${port}`,
    host: http.host,
    port,
    config,
    home,
    async close() {
      if (closed) return;
      closed = true;
      // Server first (no new requests), then the manager (flushes state), then the upstream pools.
      await app.close();
      await shutdown();
    },
  };
}

async function openManagerStore(config: ResolvedConfig, home: string, logger: Logger): Promise<ManagerStore> {
  try {
    return await createManagerStore(config, { home, clock: systemClock, logger });
  } catch (e) {
    if (e instanceof ManagerStoreUnavailableError) throw new StartupError(e.message);
    throw e;
  }
}
