/**
 * Where a runtime's secret comes from. API keys are constant; OAuth access tokens come from a
 * TokenProvider (the TokenManager), which can refresh after the upstream rejects a token.
 */
import type { CredentialSpec } from '../config/resolved.js';
import { readTokenFile } from './token-file.js';

export interface CredentialSource {
  /** The secret to send now; undefined for a provider without auth. */
  secret(): Promise<string | undefined>;
  /**
   * Called when the upstream answered 401/403 to `rejected`. Resolves true when a different secret is
   * now available, so the request may be replayed once on the same key.
   */
  refreshAfterAuthFailure(rejected: string | undefined): Promise<boolean>;
}

/** What the TokenManager offers the request path. */
export interface TokenProvider {
  accessToken(tokenFile: string): Promise<string>;
  refreshAfterUnauthorized(tokenFile: string, rejected: string | undefined): Promise<boolean>;
}

/** Without a TokenManager: read the access token from the file as it is. */
export const fileTokenProvider: TokenProvider = {
  async accessToken(tokenFile) {
    const token = await readTokenFile(tokenFile);
    return token.accessToken;
  },
  async refreshAfterUnauthorized() {
    return false;
  },
};

export function credentialSource(spec: CredentialSpec, tokens: TokenProvider): CredentialSource {
  switch (spec.kind) {
    case 'apikey':
      return { secret: async () => spec.secret, refreshAfterAuthFailure: async () => false };
    case 'none':
      return { secret: async () => undefined, refreshAfterAuthFailure: async () => false };
    case 'oauth':
      return {
        secret: () => tokens.accessToken(spec.tokenFile),
        refreshAfterAuthFailure: (rejected) => tokens.refreshAfterUnauthorized(spec.tokenFile, rejected),
      };
  }
}
