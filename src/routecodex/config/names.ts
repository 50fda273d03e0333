/**
 * Names (ROUTECODEX.md §3): a target is `provider.model` (every key alias) or `provider.alias.model`
 * (one key); a providerKey `provider.alias.model` is the unit of health; a runtimeKey `provider.alias`
 * is one upstream client. Model names may contain dots (`gpt-4.1`), so a name is read against the
 * configured models: an exact model match wins over reading the first segment as an alias.
 */
export function providerKeyOf(providerId: string, alias: string, model: string): string {
  return `${providerId}.${alias}.${model}`;
}

export function runtimeKeyOf(providerId: string, alias: string): string {
  return `${providerId}.${alias}`;
}

export interface ParsedTarget {
  providerId: string;
  /** Set when the name pins one key alias. */
  alias?: string;
  model: string;
}

export interface NameCatalog {
  aliasesOf(providerId: string): readonly string[] | undefined;
  hasModel(providerId: string, model: string): boolean;
}

/** Reads a target name against the catalog; undefined when it names nothing configured. */
export function parseTarget(name: string, catalog: NameCatalog): ParsedTarget | undefined {
  const dot = name.indexOf('.');
  if (dot <= 0) return undefined;
  const providerId = name.slice(0, dot);
  const rest = name.slice(dot + 1);
  const aliases = catalog.aliasesOf(providerId);
  if (!aliases) return undefined;
  if (catalog.hasModel(providerId, rest)) return { providerId, model: rest };
  const dot2 = rest.indexOf('.');
  if (dot2 <= 0) return undefined;
  const alias = rest.slice(0, dot2);
  const model = rest.slice(dot2 + 1);
  if (aliases.includes(alias) && catalog.hasModel(providerId, model)) return { providerId, alias, model };
  return undefined;
}

/** OAuth token file names: `<provider>-oauth-<seq>[-<alias>].json` give the alias `<seq>[-<alias>]`. */
export const TOKEN_FILE_PATTERN = /^([A-Za-z0-9_]+(?:-[A-Za-z0-9_]+)*?)-oauth-(\d+)(?:-([A-Za-z0-9_-]+))?\.json$/;

export function aliasOfTokenFile(fileName: string, providerId: string): string | undefined {
  const m = TOKEN_FILE_PATTERN.exec(fileName);
  if (!m || m[1] !== providerId) return undefined;
  return m[3] ? `${m[2]}-${m[3]}` : m[2];
}

/** Key aliases of an `apikey` provider: `keys` keep their names, an `apiKey` list gives key1, key2, … */
export function apiKeyAliases(auth: { apiKey?: string | string[]; keys?: Record<string, string | { value: string }> }): Array<{ alias: string; secret: string }> {
  const out: Array<{ alias: string; secret: string }> = [];
  if (auth.keys) {
    for (const [alias, entry] of Object.entries(auth.keys)) out.push({ alias, secret: typeof entry === 'string' ? entry : entry.value });
  }
  if (auth.apiKey !== undefined) {
    const list = Array.isArray(auth.apiKey) ? auth.apiKey : [auth.apiKey];
    let n = 1;
    for (const secret of list) {
      while (out.some((o) => o.alias === `key${n}`)) n++;
      out.push({ alias: `key${n}`, secret });
      n++;
    }
  }
  return out;
}
