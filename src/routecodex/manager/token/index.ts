/** The TokenManager (ROUTECODEX.md §7): OAuth tokens kept valid, one refresher per home, device-code login. */
export { TokenManagerModule, type TokenManagerModuleOptions } from './token-module.js';
export { TokenManager, LEADER_LEASE, type TokenManagerOptions } from './token-manager.js';
export { TokenService, type TokenServiceOptions } from './token-service.js';
export { isFresh, refreshWindowMs, validFor } from './freshness.js';
export { TokenError, type TokenErrorKind } from './token-errors.js';
export { RefreshHistory, SUSPEND_AFTER_FAILURES, type HistoryEntry } from './history.js';
export { refreshLeaseName, type RefreshMode } from './refresh-flight.js';
export { oauthProvidersOf, parseTokenFileName, type OAuthSettings } from './oauth-settings.js';
export { loadTokenConfig } from './config-source.js';
export { resolveSelector, SelectorError, type TokenSelection } from './selector.js';
export { refreshOrLogin, type LoginResult } from './login.js';
export { deviceLogin, DEVICE_CODE_GRANT, type DevicePrompt } from './device-flow.js';
export { collectStatus, formatStatus, type TokenDaemonStatus } from './status.js';
export { describeHolder, type ElectionResult } from './leader.js';
export { authDirOf } from './token-files.js';
