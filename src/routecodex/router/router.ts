/**
 * The virtual router: from a decoded request to the source of candidates the executor tries.
 * (This first form serves a route's targets in order; classification, pools, strategies, health and
 * sessions plug in here.)
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { CanonicalRequest, InboundProtocolId } from '../canonical/index.js';
import type { ResolvedConfig } from '../config/resolved.js';
import type { CandidateSource } from './exchange-types.js';
import { decideFromModel } from './model-field.js';
import { OrderedCandidates } from './ordered-candidates.js';

export interface RoutingInput {
  protocol: InboundProtocolId;
  canonical: CanonicalRequest;
  headers: IncomingHttpHeaders;
}

function headerString(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

export class Router {
  constructor(private readonly config: ResolvedConfig) {}

  plan(input: RoutingInput): CandidateSource {
    const decision = decideFromModel(this.config, input.canonical.model, headerString(input.headers, 'x-route-hint'));
    if (decision.kind === 'forced') return new OrderedCandidates(`forced:${decision.target.name}`, decision.target.providerKeys, this.config);
    if (decision.kind === 'route') return OrderedCandidates.forRoute(this.config, decision.route);
    return OrderedCandidates.forRoute(this.config, 'default');
  }
}
