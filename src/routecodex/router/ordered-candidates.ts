/** The simplest candidate source: the providerKeys of a route's pools in order (or one forced target). */
import type { ResolvedConfig } from '../config/resolved.js';
import type { Candidate, CandidateSource } from './exchange-types.js';

export class OrderedCandidates implements CandidateSource {
  constructor(
    readonly route: string,
    private readonly providerKeys: readonly string[],
    private readonly config: ResolvedConfig,
  ) {}

  static forRoute(config: ResolvedConfig, route: string): OrderedCandidates {
    const pools = config.routes.get(route) ?? config.routes.get('default') ?? [];
    return new OrderedCandidates(config.routes.has(route) ? route : 'default', pools.flatMap((p) => p.providerKeys), config);
  }

  next(tried: ReadonlySet<string>): Candidate | undefined {
    for (const providerKey of this.providerKeys) {
      if (tried.has(providerKey)) continue;
      const spec = this.config.providerKeys.get(providerKey);
      if (spec) return { providerKey, spec };
    }
    return undefined;
  }

  exhaustedReason(): undefined {
    return undefined;
  }
}
