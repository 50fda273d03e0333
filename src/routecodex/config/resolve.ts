/** Turns a validated config into resolved runtimes, providerKeys and route pools, reporting every bad name with its path. */
import path from 'node:path';
import { PROTOCOL_OF_PROVIDER_TYPE } from '../canonical/protocol-id.js';
import { ConfigError, type ConfigProblem } from '../../shared/config-file.js';
import { fsSafeSegment } from '../../shared/ids.js';
import { aliasOfTokenFile, apiKeyAliases, parseTarget, providerKeyOf, runtimeKeyOf, type NameCatalog } from './names.js';
import type { ModelInfo, ProviderConfig, RouteCodexConfig } from './schema.js';
import type { PoolSpec, ProviderKeySpec, ResolvedConfig, RuntimeSpec, TargetRef } from './resolved.js';

export interface ResolveInputs {
  config: RouteCodexConfig;
  source: string;
  /** `$ROUTECODEX_HOME/auth`: where OAuth token files live. */
  authDir: string;
  /** Names of the files in authDir (scanned by the loader). */
  tokenFiles: readonly string[];
}

function modelsOf(p: ProviderConfig): Map<string, ModelInfo> {
  const out = new Map<string, ModelInfo>();
  if (Array.isArray(p.models)) for (const m of p.models) out.set(m, {});
  else for (const [m, info] of Object.entries(p.models)) out.set(m, info ?? {});
  return out;
}

export function resolveConfig(inputs: ResolveInputs): ResolvedConfig {
  const { config, source } = inputs;
  const problems: ConfigProblem[] = [];
  const runtimes = new Map<string, RuntimeSpec>();
  const providerKeys = new Map<string, ProviderKeySpec>();
  const aliases = new Map<string, string[]>();
  const models = new Map<string, Map<string, ModelInfo>>();

  for (const [providerId, p] of Object.entries(config.virtualrouter.providers)) {
    const at = `virtualrouter.providers.${providerId}`;
    const creds: Array<{ alias: string; credential: RuntimeSpec['credential'] }> = [];
    if (p.auth.type === 'apikey') {
      for (const { alias, secret } of apiKeyAliases(p.auth)) creds.push({ alias, credential: { kind: 'apikey', secret } });
    } else if (p.auth.type === 'oauth') {
      for (const file of [...inputs.tokenFiles].sort()) {
        const alias = aliasOfTokenFile(file, providerId);
        if (alias) creds.push({ alias, credential: { kind: 'oauth', tokenFile: path.join(inputs.authDir, file) } });
      }
      if (creds.length === 0) {
        problems.push({
          path: `${at}.auth`,
          message: `no OAuth token file for provider "${providerId}" in ${inputs.authDir} (expected ${providerId}-oauth-1.json; run \`routecodex token-daemon refresh ${providerId}\` to log in)`,
        });
      }
    } else {
      creds.push({ alias: 'default', credential: { kind: 'none' } });
    }
    const providerModels = modelsOf(p);
    models.set(providerId, providerModels);
    aliases.set(providerId, creds.map((c) => c.alias));
    creds.forEach(({ alias, credential }, i) => {
      const runtimeKey = runtimeKeyOf(providerId, alias);
      runtimes.set(runtimeKey, {
        runtimeKey,
        providerId,
        alias,
        type: p.type,
        protocol: PROTOCOL_OF_PROVIDER_TYPE[p.type],
        baseURL: p.baseURL.replace(/\/+$/, ''),
        credential,
        headers: p.headers ?? {},
        connections: p.connections,
      });
      for (const [model, info] of providerModels) {
        const providerKey = providerKeyOf(providerId, alias, model);
        providerKeys.set(providerKey, { providerKey, providerId, alias, aliasIndex: i + 1, model, runtimeKey, info });
      }
    });
  }

  const catalog: NameCatalog = {
    aliasesOf: (id) => aliases.get(id),
    hasModel: (id, m) => models.get(id)?.has(m) ?? false,
  };

  /** Bare model name → every providerKey serving it. */
  const bareModels = new Map<string, string[]>();
  for (const spec of providerKeys.values()) {
    const list = bareModels.get(spec.model) ?? [];
    list.push(spec.providerKey);
    bareModels.set(spec.model, list);
  }

  const resolveTarget = (name: string): TargetRef | undefined => {
    const t = parseTarget(name, catalog);
    if (t) {
      const keyAliases = t.alias ? [t.alias] : (aliases.get(t.providerId) ?? []);
      return { name, providerKeys: keyAliases.map((a) => providerKeyOf(t.providerId, a, t.model)) };
    }
    const bare = bareModels.get(name);
    return bare ? { name, providerKeys: [...bare] } : undefined;
  };

  const routes = new Map<string, PoolSpec[]>();
  for (const [routeName, route] of Object.entries(config.virtualrouter.routing)) {
    const at = `virtualrouter.routing.${routeName}`;
    const pools = route.map((entry, i) => (typeof entry === 'string' ? { id: `${routeName}-${i + 1}`, targets: [entry], backup: false, list: true } : { ...entry, list: false }));
    // A plain list of targets is one pool.
    const normalized = pools.every((p) => p.list) ? [{ id: routeName, targets: pools.flatMap((p) => p.targets), backup: false, priority: undefined, list: true }] : pools;
    const specs: PoolSpec[] = normalized.map((pool, i) => {
      const targets: TargetRef[] = [];
      pool.targets.forEach((name, j) => {
        const ref = resolveTarget(name);
        if (!ref) {
          const where = pool.list ? `${at}[${j}]` : `${at}[${i}].targets[${j}]`;
          problems.push({ path: where, message: `unknown target "${name}" (use provider.model or provider.alias.model of a configured provider)` });
        } else targets.push(ref);
      });
      return {
        id: pool.id ?? `${routeName}-${i + 1}`,
        // Higher priority first; by default, declaration order.
        priority: pool.priority ?? 1000 - i,
        backup: pool.backup,
        targets,
        providerKeys: [...new Set(targets.flatMap((t) => t.providerKeys))],
      };
    });
    specs.sort((a, b) => Number(a.backup) - Number(b.backup) || b.priority - a.priority);
    routes.set(routeName, specs);
  }

  const configured = providerKeys.size > 0;
  if (configured && !routes.has('default')) {
    problems.push({ path: 'virtualrouter.routing', message: 'a `default` route is required' });
  }
  if (problems.length > 0) throw new ConfigError(source, problems);

  const serverId = fsSafeSegment(config.serverId ?? `${config.httpserver.host}-${config.httpserver.port}`);
  return { raw: config, serverId, configured, runtimes, providerKeys, aliases, routes, resolveTarget, source };
}
