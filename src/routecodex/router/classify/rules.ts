/**
 * One rule per route. A rule matches on its feature or on one of its keywords in the latest user text,
 * and explains why. Rules run in `DEFAULT_ORDER` unless the config gives an `order`; `default` always
 * matches and always comes last.
 */
import type { ClassifierConfig, RouteName } from '../../config/schema.js';
import { findKeyword, keywordsFor } from './keywords.js';
import type { RoutingFeatures } from './types.js';

export const DEFAULT_ORDER: readonly RouteName[] = ['vision', 'longcontext', 'web_search', 'thinking', 'coding', 'tools', 'background', 'default'];

type FeatureTest = (f: RoutingFeatures, config: ClassifierConfig) => string | undefined;

/** Word-bounded (by non-letters) so `mini` matches `gpt-4o-mini` but not `gemini-2.5-pro`. */
function backgroundModelIn(model: string, names: readonly string[]): string | undefined {
  const lower = model.toLowerCase();
  return names.find((name) => {
    const needle = name.toLowerCase();
    for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + 1)) {
      const before = lower[at - 1] ?? '';
      const after = lower[at + needle.length] ?? '';
      if (!/\p{L}/u.test(before) && !/\p{L}/u.test(after)) return true;
    }
    return false;
  });
}

const FEATURE_TESTS: Readonly<Record<RouteName, FeatureTest>> = {
  vision: (f) => (f.imagesInLatestUserTurn ? 'image in the latest user turn' : undefined),
  longcontext: (f, c) => (f.estimatedTokens >= c.longContextThresholdTokens ? `~${f.estimatedTokens} tokens ≥ ${c.longContextThresholdTokens}` : undefined),
  web_search: (f) => (f.webSearchTool ? 'web search tool declared' : undefined),
  thinking: (f) => (f.thinkingRequested ? 'reasoning requested' : undefined),
  coding: (f) => (f.lastToolCall?.category === 'write' ? `last tool call ${f.lastToolCall.name} wrote files` : undefined),
  tools: (f) => (f.toolsPresent ? `${f.toolCount} tool${f.toolCount === 1 ? '' : 's'} declared` : undefined),
  background: (f, c) => {
    const name = backgroundModelIn(f.requestedModel, c.backgroundModels);
    return name === undefined ? undefined : `model "${f.requestedModel}" matches "${name}"`;
  },
  default: () => 'no rule matched',
};

/** Why the rule of `route` matches, or undefined when it does not. */
export function evaluateRule(route: RouteName, features: RoutingFeatures, config: ClassifierConfig): string | undefined {
  const byFeature = FEATURE_TESTS[route](features, config);
  if (byFeature !== undefined) return byFeature;
  const keyword = findKeyword(features.latestUserText, keywordsFor(route, config));
  return keyword === undefined ? undefined : `keyword "${keyword}" in the latest user message`;
}

/** The rule order: the configured one (deduplicated) or the default, with `default` last. */
export function ruleOrder(config: ClassifierConfig): RouteName[] {
  const base = config.order ?? DEFAULT_ORDER;
  const order = [...new Set(base)].filter((r) => r !== 'default');
  return [...order, 'default'];
}
