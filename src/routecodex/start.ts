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
import { HealthTracker } from './router/health/health-tracker.js';
import { seriesPeersOf } from './router/health/series-peers.js';
import { MemoryHealthStore } from './router/health/types.js';
import { MemorySessionStore } from './router/session/state.js';
import { Router } from './router/router.js';
import { buildApp } from './server/app.js';
import { ApiKeyCheck } from './server/auth.js';
import type { Gateway } from './server/gateway.js';

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
  const providers = new ProviderRegistry(config);
  const health = new HealthTracker(new MemoryHealthStore(), config.raw.virtualrouter.health, systemClock, seriesPeersOf(config));
  const gateway: Gateway = {
    config,
    providers,
    router: new Router({ config, health, sessions: new MemorySessionStore(), clock: systemClock }),
    health,
    apiKeys: new ApiKeyCheck(http.apiKeys),
    logger,
    observers: [],
    responses: new ResponsesConversationStore(config.raw.responses, systemClock),
    version: ROUTECODEX_VERSION,
  };
  const app: FastifyInstance = buildApp(gateway);
  await app.listen({ host: http.host, port: http.port });
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
      await app.close();
      await providers.close();
    },
  };
}
