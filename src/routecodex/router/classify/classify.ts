/**
 * Classification (ROUTECODEX.md §5): the first matching rule wins. A matched route that is not
 * configured falls through to the next matching rule in order, ending at `default`.
 */
import type { CanonicalRequest } from '../../canonical/index.js';
import type { ClassifierConfig, RouteName } from '../../config/schema.js';
import { extractFeatures } from './features.js';
import { evaluateRule, ruleOrder } from './rules.js';
import type { Classification } from './types.js';

export interface ClassifyInput {
  request: CanonicalRequest;
  estimatedTokens: number;
}

export function classify(input: ClassifyInput, config: ClassifierConfig, configuredRoutes: ReadonlySet<string>): Classification {
  const features = extractFeatures(input.request, input.estimatedTokens);
  const skipped: string[] = [];
  let matched: RouteName | undefined;
  for (const route of ruleOrder(config)) {
    const why = evaluateRule(route, features, config);
    if (why === undefined) continue;
    matched ??= route;
    if (route === 'default' || configuredRoutes.has(route)) {
      const landed = route === 'default' && skipped.length > 0 ? 'default' : `${route}: ${why}`;
      return { route, matched, reason: [...skipped, landed].join(' → '), features };
    }
    skipped.push(`${route} (not configured)`);
  }
  // Unreachable: `default` always matches. Kept for the type checker.
  return { route: 'default', matched: matched ?? 'default', reason: 'default', features };
}
