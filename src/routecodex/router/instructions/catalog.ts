/** Builds the instruction catalog from the resolved config. */
import type { ResolvedConfig } from '../../config/resolved.js';
import type { InstructionCatalog } from './types.js';

export function catalogFromConfig(config: Pick<ResolvedConfig, 'aliases' | 'providerKeys'>): InstructionCatalog {
  const models = new Map<string, Set<string>>();
  for (const spec of config.providerKeys.values()) {
    const set = models.get(spec.providerId) ?? new Set<string>();
    set.add(spec.model);
    models.set(spec.providerId, set);
  }
  const providers = [...config.aliases.keys()];
  return {
    providers: () => [...providers],
    aliasesOf: (providerId) => config.aliases.get(providerId),
    hasModel: (providerId, model) => models.get(providerId)?.has(model) ?? false,
  };
}
