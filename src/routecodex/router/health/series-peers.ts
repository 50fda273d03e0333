import { modelSeries } from '../../canonical/index.js';
import type { ResolvedConfig } from '../../config/resolved.js';
import type { SeriesPeers } from './health-tracker.js';

/** The keys that share a quota series with a key: same provider and alias (account), a model of that series. */
export function seriesPeersOf(config: ResolvedConfig): SeriesPeers {
  return (providerKey, series) => {
    const spec = config.providerKeys.get(providerKey);
    if (!spec) return [];
    return [...config.providerKeys.values()]
      .filter((s) => s.runtimeKey === spec.runtimeKey && modelSeries(s.model) === series)
      .map((s) => s.providerKey);
  };
}
