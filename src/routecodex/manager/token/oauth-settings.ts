/** The OAuth settings of each provider whose `auth.type` is `oauth`, and which provider a token file belongs to. */
import path from 'node:path';
import { TOKEN_FILE_PATTERN } from '../../config/names.js';
import type { ProviderConfig, RouteCodexConfig } from '../../config/schema.js';

export type OAuthAuthConfig = Extract<ProviderConfig['auth'], { type: 'oauth' }>;

export interface OAuthSettings extends OAuthAuthConfig {
  providerId: string;
}

export function oauthProvidersOf(config: RouteCodexConfig): Map<string, OAuthSettings> {
  const out = new Map<string, OAuthSettings>();
  for (const [providerId, p] of Object.entries(config.virtualrouter.providers)) {
    if (p.auth.type === 'oauth') out.set(providerId, { ...p.auth, providerId });
  }
  return out;
}

export interface TokenFileName {
  providerId: string;
  seq: number;
  /** `<seq>[-<name>]`: the key alias the file gives its provider. */
  alias: string;
}

/** Reads `<provider>-oauth-<seq>[-<alias>].json`; undefined for any other name. */
export function parseTokenFileName(file: string): TokenFileName | undefined {
  const m = TOKEN_FILE_PATTERN.exec(path.basename(file));
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  return { providerId: m[1], seq: Number(m[2]), alias: m[3] ? `${m[2]}-${m[3]}` : m[2] };
}
