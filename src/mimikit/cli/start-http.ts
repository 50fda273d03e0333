/**
 * The hook where the runtime process creates its HTTP server: `startHttp(runtime, {host, port, token})`.
 * The server itself (API, SSE, WebUI, artifacts) is `src/mimikit/http/`.
 */
import type { Logger } from '../../shared/logger.js';
import { startHttpServer } from '../http/index.js';
import type { Runtime } from '../orchestrator/index.js';

export interface HttpOptions {
  host: string;
  port: number;
  /** MIMIKIT_API_TOKEN: when set, every /api/* request needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
  logger?: Logger;
  /** Shown by the WebUI as a banner (e.g. what to set when no model provider is configured). */
  setupHint?: string | undefined;
}

export interface HttpHandle {
  url: string;
  close(): Promise<void>;
}

export function startHttp(runtime: Runtime, options: HttpOptions): Promise<HttpHandle> {
  return startHttpServer(runtime, options);
}
