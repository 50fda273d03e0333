/**
 * The `model` field rules (ROUTECODEX.md §5): a configured target forces that target; a route name picks
 * that route; `x-route-hint` picks a route; anything else is classified. A name that looks like a target
 * of a configured provider but names no model of it is an error, not a silent reroute.
 */
import { GatewayError } from '../canonical/index.js';
import type { ResolvedConfig, TargetRef } from '../config/resolved.js';

export type ModelDecision =
  | { kind: 'forced'; target: TargetRef }
  | { kind: 'route'; route: string; via: 'model' | 'hint' }
  | { kind: 'classify' };

export function decideFromModel(config: ResolvedConfig, model: string, routeHint: string | undefined): ModelDecision {
  if (routeHint !== undefined && routeHint !== '') {
    if (!config.routes.has(routeHint)) {
      throw new GatewayError(400, 'invalid_request_error', `x-route-hint names an unknown route "${routeHint}" (routes: ${[...config.routes.keys()].join(', ')})`, 'x-route-hint');
    }
    return { kind: 'route', route: routeHint, via: 'hint' };
  }
  if (config.routes.has(model)) return { kind: 'route', route: model, via: 'model' };
  const target = config.resolveTarget(model);
  if (target) return { kind: 'forced', target };
  const dot = model.indexOf('.');
  if (dot > 0) {
    const providerId = model.slice(0, dot);
    if (config.aliases.has(providerId)) {
      const models = [...new Set([...config.providerKeys.values()].filter((k) => k.providerId === providerId).map((k) => k.model))];
      throw new GatewayError(404, 'model_not_found', `unknown model "${model}": provider "${providerId}" has models ${models.join(', ')}`, 'model');
    }
  }
  return { kind: 'classify' };
}
