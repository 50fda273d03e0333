/** Why a token could not be made valid; `kind` tells the caller whether waiting or a new login helps. */
import path from 'node:path';
import type { FailureKind } from './history.js';

export type TokenErrorKind =
  | FailureKind
  /** Automatic refreshes stopped after repeated failures; a new login or a manual refresh lifts it. */
  | 'suspended'
  /** A refresh failed recently; the next automatic one waits. */
  | 'backoff'
  /** The file has no refresh token, says `norefresh`, or its provider has no OAuth settings. */
  | 'not-refreshable'
  /** Another process held the refresh lease for longer than a refresh may take. */
  | 'busy'
  /** The new token could not be written to the token file (so it is not used). */
  | 'persist';

export class TokenError extends Error {
  constructor(
    readonly file: string,
    readonly kind: TokenErrorKind,
    message: string,
  ) {
    super(`${path.basename(file)}: ${message}`);
    this.name = 'TokenError';
  }

  /** True when only a new login can help. */
  get needsLogin(): boolean {
    return this.kind === 'invalid_grant' || this.kind === 'suspended' || this.kind === 'not-refreshable';
  }
}

export function loginHint(file: string): string {
  return `log in again with \`routecodex token-daemon refresh ${path.basename(file)} --login\``;
}
