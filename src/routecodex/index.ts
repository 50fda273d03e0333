/** RouteCodex's public API: what other programs (mimikit) may import. */
export { startRouteCodex, StartupError, ROUTECODEX_VERSION } from './start.js';
export type { RouteCodexServer, StartRouteCodexOptions } from './start.js';
export { ZERO_CONFIG_VARIABLES } from './config/env-config.js';
