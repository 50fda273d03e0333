/**
 * What `routecodex token-daemon refresh <selector>` names: a token file (`qwen-oauth-1.json`), a provider's
 * key alias (`qwen.1`, `qwen.2-work`, or `qwen.work` for a new aliased file) or a provider id (its only
 * token file, or a new one when it has none).
 */
import path from 'node:path';
import { parseTokenFileName, type OAuthSettings } from './oauth-settings.js';
import { listTokenFiles, nextTokenFile } from './token-files.js';

export interface TokenSelection {
  settings: OAuthSettings;
  file: string;
  /** False when the file is to be created by a login. */
  exists: boolean;
}

export class SelectorError extends Error {
  override name = 'SelectorError';
}

function settingsFor(providers: ReadonlyMap<string, OAuthSettings>, providerId: string, selector: string): OAuthSettings {
  const settings = providers.get(providerId);
  if (settings) return settings;
  const known = [...providers.keys()];
  throw new SelectorError(
    `"${selector}": provider "${providerId}" is not configured with auth.type oauth${known.length ? ` (OAuth providers: ${known.join(', ')})` : ' (no OAuth provider in the config)'}`,
  );
}

export async function resolveSelector(selector: string, providers: ReadonlyMap<string, OAuthSettings>, authDir: string): Promise<TokenSelection> {
  const files = await listTokenFiles(authDir);
  const existing = (file: string): TokenSelection['exists'] => files.includes(file);
  const named = parseTokenFileName(selector);
  if (named) {
    const file = path.join(authDir, path.basename(selector));
    return { settings: settingsFor(providers, named.providerId, selector), file, exists: existing(file) };
  }
  if (selector.endsWith('.json')) throw new SelectorError(`"${selector}" is not a token file name (<provider>-oauth-<seq>[-<alias>].json)`);
  const dot = selector.indexOf('.');
  const providerId = dot < 0 ? selector : selector.slice(0, dot);
  const settings = settingsFor(providers, providerId, selector);
  const own = files.filter((f) => parseTokenFileName(f)?.providerId === providerId);
  if (dot < 0) {
    if (own.length === 0) return { settings, file: await nextTokenFile(authDir, providerId), exists: false };
    if (own.length === 1 && own[0] !== undefined) return { settings, file: own[0], exists: true };
    const choices = own.map((f) => `${providerId}.${parseTokenFileName(f)?.alias ?? '?'}`).join(', ');
    throw new SelectorError(`provider "${providerId}" has ${own.length} token files; name one: ${choices}`);
  }
  const alias = selector.slice(dot + 1);
  // `qwen.work` also finds `qwen-oauth-2-work.json` (the alias without its sequence number).
  const match = own.find((f) => {
    const a = parseTokenFileName(f)?.alias;
    return a === alias || a?.replace(/^\d+-/, '') === alias;
  });
  if (match) return { settings, file: match, exists: true };
  if (/^\d+(-[A-Za-z0-9_-]+)?$/.test(alias)) return { settings, file: path.join(authDir, `${providerId}-oauth-${alias}.json`), exists: false };
  if (/^[A-Za-z0-9_-]+$/.test(alias)) return { settings, file: await nextTokenFile(authDir, providerId, alias), exists: false };
  throw new SelectorError(`"${selector}": "${alias}" is not a key alias (letters, digits, _ and -)`);
}
