/**
 * When a token needs a refresh. It is fresh while valid for more than its refresh-ahead window; the window
 * is at most half of the token's lifetime (known from the `last_refresh` this code writes), so a server
 * that issues tokens shorter than `refreshAheadMs` does not get a refresh on every request.
 */
import type { OAuthToken } from '../../providers/token-file.js';

/** Valid for more than `ms` (a token without an expiry is taken as valid: a 401 will tell). */
export function validFor(token: OAuthToken, ms: number, now: number): boolean {
  return token.expiresAt === undefined || token.expiresAt - now > ms;
}

export function refreshWindowMs(token: OAuthToken, aheadMs: number): number {
  const issuedAt = typeof token.raw.last_refresh === 'string' ? Date.parse(token.raw.last_refresh) : Number.NaN;
  if (token.expiresAt === undefined || Number.isNaN(issuedAt)) return aheadMs;
  return Math.min(aheadMs, Math.max(0, (token.expiresAt - issuedAt) / 2));
}

export function isFresh(token: OAuthToken, aheadMs: number, now: number): boolean {
  return validFor(token, refreshWindowMs(token, aheadMs), now);
}
