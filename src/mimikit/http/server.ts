/**
 * The HTTP server: the `/api/*` routes, SSE, the WebUI and artifacts, behind the request guards.
 * Binding a non-loopback host without a token is refused.
 */
import path from 'node:path';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { isLoopbackHost } from '../../shared/net.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { Runtime } from '../orchestrator/index.js';
import { installErrorHandlers, installJsonParser } from './errors.js';
import { registerArtifactRoutes } from './routes-artifacts.js';
import { registerControlRoutes } from './routes-control.js';
import { registerEventRoutes } from './routes-events.js';
import { registerMessageRoutes } from './routes-messages.js';
import { registerStaticRoutes } from './routes-static.js';
import { registerStatusRoutes } from './routes-status.js';
import { registerTaskRoutes } from './routes-tasks.js';
import { guardHook } from './security.js';
import { DEFAULT_SSE, type SseConnection, type SseSettings } from './sse-connection.js';
import { StreamTracker } from './stream-tracker.js';

export interface HttpServerOptions {
  host: string;
  /** 0 = any free port. */
  port: number;
  /** MIMIKIT_API_TOKEN: when set, `/api/*` and `/artifacts/*` need `Authorization: Bearer <token>`. */
  token?: string | undefined;
  logger?: Logger;
  /** A setup problem the user must fix (e.g. no model provider), served in `/api/status` as `setupHint`. */
  setupHint?: string | undefined;
  sse?: Partial<SseSettings>;
  /** Largest request body (default 1 MiB). */
  bodyLimit?: number;
}

export interface HttpServer {
  /** e.g. `http://127.0.0.1:8787` */
  url: string;
  /** Open SSE connections right now. */
  readonly sseConnections: number;
  /** Ends the SSE streams and every connection, then stops listening. */
  close(): Promise<void>;
}

export class HttpConfigError extends Error {
  override name = 'HttpConfigError';
}

export function buildHttpApp(runtime: Runtime, options: Omit<HttpServerOptions, 'host' | 'port'> = {}): { app: FastifyInstance; connections: Set<SseConnection> } {
  const logger = options.logger ?? silentLogger();
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: options.bodyLimit ?? 1 << 20, forceCloseConnections: true, return503OnClosing: true, routerOptions: { maxParamLength: 1_024 } });
  installJsonParser(app);
  installErrorHandlers(app, logger);
  app.addHook('onRequest', guardHook({ token: options.token }));

  const streams = new StreamTracker(runtime.events);
  const connections = new Set<SseConnection>();
  app.addHook('onClose', async () => {
    for (const conn of [...connections]) conn.close('server');
    streams.close();
  });

  registerStatusRoutes(app, { runtime, setupHint: options.setupHint });
  registerMessageRoutes(app, runtime);
  registerTaskRoutes(app, runtime);
  registerControlRoutes(app, runtime);
  registerEventRoutes(app, { runtime, streams, connections, sse: { ...DEFAULT_SSE, ...options.sse } });
  registerArtifactRoutes(app, path.join(runtime.workDir, 'generated'));
  registerStaticRoutes(app);
  return { app, connections };
}

export async function startHttpServer(runtime: Runtime, options: HttpServerOptions): Promise<HttpServer> {
  const token = options.token?.trim() || undefined;
  if (!isLoopbackHost(options.host) && !token) throw new HttpConfigError(`refusing to listen on ${options.host}: a non-loopback address needs MIMIKIT_API_TOKEN`);
  const { app, connections } = buildHttpApp(runtime, { ...options, token });
  try {
    await app.listen({ host: options.host, port: options.port });
  } catch (e) {
    await app.close(); // drops the event-bus subscription it made
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    get sseConnections() {
      return connections.size;
    },
    close: () => (closing ??= app.close()),
  };
}
