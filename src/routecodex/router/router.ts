/**
 * The virtual router (ROUTECODEX.md §5): from a decoded request to the plan of candidates the executor
 * tries. Order of decisions: routing instructions of the latest user message (stripped from every user
 * message) update the session's state; a forced target (instruction, then `model`) wins; else the
 * session's sticky target; else the route named by `x-route-hint` or `model`; else classification.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { estimateRequestTokens, type CanonicalRequest, type InboundProtocolId } from '../canonical/index.js';
import type { ResolvedConfig, TargetRef } from '../config/resolved.js';
import type { Clock } from '../../shared/clock.js';
import { classify, type Classification } from './classify/index.js';
import type { HealthTracker } from './health/health-tracker.js';
import { applyInstructions, candidateFilter, catalogFromConfig, extractRequestInstructions, stickyOrForcedKeys, type ApplyResult, type InstructionCatalog, type RoutingInstruction } from './instructions/index.js';
import { decideFromModel } from './model-field.js';
import { RoutePlan, type PlannedPool } from './route-plan.js';
import { LocalRateGate, type RateGate } from './select/rate-gate.js';
import { createStrategy, weightLookup, type RotationCounter } from './select/strategies.js';
import { emptySessionState, type SessionRoutingState, type SessionStore } from './session/state.js';

export interface RouterDeps {
  config: ResolvedConfig;
  health: HealthTracker;
  sessions: SessionStore;
  clock: Clock;
  counter?: RotationCounter;
  /** Admits requests to keys with an `rpm` (default: counted in this process). */
  rateGate?: RateGate;
}

export interface RoutingInput {
  protocol: InboundProtocolId;
  canonical: CanonicalRequest;
  headers: IncomingHttpHeaders;
  sessionKey?: string;
  /** Explain: decide without writing session state. */
  dryRun?: boolean;
}

export interface RoutingDecision {
  route: string;
  reason: string;
  estimatedTokens: number;
  classification?: Classification;
  instructions: string[];
}

export interface PlannedRequest {
  plan: RoutePlan;
  /** The request with instruction tags removed. */
  canonical: CanonicalRequest;
  /** True when tags were removed: the client's body can no longer be forwarded as it is. */
  rewritten: boolean;
  decision: RoutingDecision;
  /** The session's state after this request's instructions (undefined without a session). */
  session?: SessionRoutingState;
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

export class Router {
  private readonly catalog: InstructionCatalog;
  private readonly strategy;
  private readonly rateGate: RateGate;

  constructor(private readonly deps: RouterDeps) {
    const { config } = deps;
    this.catalog = catalogFromConfig(config);
    const lb = config.raw.virtualrouter.loadBalancing;
    this.strategy = createStrategy(lb.strategy, weightLookup(lb.weights, (k) => config.providerKeys.get(k)), deps.counter);
    this.rateGate = deps.rateGate ?? new LocalRateGate(deps.clock);
  }

  get sessions(): SessionStore {
    return this.deps.sessions;
  }

  async plan(input: RoutingInput): Promise<PlannedRequest> {
    const { config, clock } = this.deps;
    const now = clock.now();
    const extracted = extractRequestInstructions(input.canonical, this.catalog);
    const sessionKey = input.sessionKey;
    // Instructions apply to the session's CURRENT state, atomically (a pin or stopMessage count written
    // concurrently is never lost); without a session, to this request only.
    let applied: ApplyResult | undefined;
    const apply = (current: SessionRoutingState | undefined): SessionRoutingState => {
      applied = applyInstructions(current ?? emptySessionState(sessionKey ?? 'request', now), extracted.instructions, now);
      return applied.state;
    };
    let state: SessionRoutingState;
    if (sessionKey && !input.dryRun) {
      const stored = await this.deps.sessions.get(sessionKey);
      const needsWrite = extracted.instructions.length > 0 || stored?.forcedTarget !== undefined;
      // An emptied state is removed by the store: carry on with an empty one.
      state = needsWrite ? ((await this.deps.sessions.update(sessionKey, apply)) ?? emptySessionState(sessionKey, now)) : apply(stored);
    } else {
      state = apply(sessionKey ? await this.deps.sessions.get(sessionKey) : undefined);
    }
    const forced = applied!.forced;
    const canonical = extracted.request;
    const estimatedTokens = estimateRequestTokens(canonical);
    const modelDecision = decideFromModel(config, canonical.model, header(input.headers, 'x-route-hint'));

    let route: string;
    let reason: string;
    let pools: PlannedPool[];
    let classification: Classification | undefined;
    let forcedKeys: TargetRef | undefined;
    const special = stickyOrForcedKeys(state, forced, config.providerKeys.values());
    if (forced && special) forcedKeys = { name: forced.name, providerKeys: special.providerKeys };
    else if (modelDecision.kind === 'forced') forcedKeys = modelDecision.target;

    if (forcedKeys) {
      route = `forced:${forcedKeys.name}`;
      reason = forced ? `forced by <**${forcedKeys.name}**>` : `model "${canonical.model}" names a target`;
      pools = [{ id: route, backup: false, providerKeys: forcedKeys.providerKeys }];
    } else if (special?.source === 'sticky' && state.stickyTarget) {
      route = `sticky:${state.stickyTarget.name}`;
      reason = `session sticks to <**!${state.stickyTarget.name}**>`;
      pools = [{ id: route, backup: false, providerKeys: special.providerKeys }];
    } else {
      if (modelDecision.kind === 'route') {
        route = modelDecision.route;
        reason = modelDecision.via === 'hint' ? `x-route-hint: ${route}` : `model names the route "${route}"`;
      } else {
        classification = classify({ request: canonical, estimatedTokens }, config.raw.virtualrouter.classifier, new Set(config.routes.keys()));
        route = classification.route;
        reason = classification.reason;
      }
      pools = (config.routes.get(route) ?? []).map((p) => ({ id: `${route}/${p.id}`, backup: p.backup, providerKeys: p.providerKeys }));
    }

    // A forced target (from `model` or an instruction) outranks sticky and allow; disable outranks all.
    const filter = forcedKeys ? candidateFilter({ disabled: state.disabled }) : candidateFilter(state, forced);
    const plan = new RoutePlan(
      { config, health: this.deps.health, healthPolicy: config.raw.virtualrouter.health, strategy: this.strategy, clock, rateGate: this.rateGate },
      {
        route,
        pools,
        instructionFilter: filter,
        estimatedTokens,
        ...(sessionKey ? { sessionKey } : {}),
        ...(state.pins[route] ? { pin: state.pins[route] } : {}),
        ...(sessionKey && !input.dryRun ? { onPinChange: (key: string | undefined) => void this.updatePin(sessionKey, route, key) } : {}),
      },
    );
    const decision: RoutingDecision = { route, reason, estimatedTokens, instructions: extracted.instructions.map((i: RoutingInstruction) => i.tag), ...(classification ? { classification } : {}) };
    return { plan, canonical, rewritten: canonical !== input.canonical, decision, ...(input.sessionKey ? { session: state } : {}) };
  }

  /** A pin change is an atomic update of the session's state. */
  private async updatePin(sessionKey: string, route: string, providerKey: string | undefined): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.sessions.update(sessionKey, (current) => {
      const state = current ?? emptySessionState(sessionKey, now);
      if (state.pins[route] === providerKey) return current;
      const pins = { ...state.pins };
      if (providerKey === undefined) delete pins[route];
      else pins[route] = providerKey;
      return { ...state, pins, updatedAt: now };
    });
  }
}
