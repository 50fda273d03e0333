/** mimikit's HTTP server: `/api/*`, SSE `/api/events`, the WebUI at `/`, artifacts at `/artifacts/`. */
export { startHttpServer, buildHttpApp, HttpConfigError, type HttpServer, type HttpServerOptions } from './server.js';
export { DEFAULT_SSE, type SseSettings } from './sse-connection.js';
export { LIMITS, normalizeLimit } from './limits.js';
export { TASK_ID_PATTERN } from './task-id.js';
