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
import { serialized } from '../../shared/file-lock.js';
import { classify, type Classification } from './classify/index.js';
import type { HealthTracker } from './health/health-tracker.js';
import { applyInstructions, candidateFilter, catalogFromConfig, extractRequestInstructions, stickyOrForcedKeys, type InstructionCatalog, type RoutingInstruction } from './instructions/index.js';
import { decideFromModel } from './model-field.js';
import { RoutePlan, type PlannedPool } from './route-plan.js';
import { createStrategy, weightLookup, type RotationCounter } from './select/strategies.js';
import { emptySessionState, isEmptySessionState, type SessionRoutingState, type SessionStore } from './session/state.js';

export interface RouterDeps {
  config: ResolvedConfig;
  health: HealthTracker;
  sessions: SessionStore;
  clock: Clock;
  counter?: RotationCounter;
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

  constructor(private readonly deps: RouterDeps) {
    const { config } = deps;
    this.catalog = catalogFromConfig(config);
    const lb = config.raw.virtualrouter.loadBalancing;
    this.strategy = createStrategy(lb.strategy, weightLookup(lb.weights, (k) => config.providerKeys.get(k)), deps.counter);
  }

  get sessions(): SessionStore {
    return this.deps.sessions;
  }

  async plan(input: RoutingInput): Promise<PlannedRequest> {
    const { config, clock } = this.deps;
    const now = clock.now();
    const stored = input.sessionKey ? await this.deps.sessions.get(input.sessionKey) : undefined;
    const before = stored ?? emptySessionState(input.sessionKey ?? 'request', now);
    const extracted = extractRequestInstructions(input.canonical, this.catalog);
    const applied = applyInstructions(before, extracted.instructions, now);
    let state = applied.state;
    if (input.sessionKey && !input.dryRun && state !== before) await this.saveSession(state);
    const canonical = extracted.request;
    const estimatedTokens = estimateRequestTokens(canonical);
    const modelDecision = decideFromModel(config, canonical.model, header(input.headers, 'x-route-hint'));

    let route: string;
    let reason: string;
    let pools: PlannedPool[];
    let classification: Classification | undefined;
    let forcedKeys: TargetRef | undefined;
    const special = stickyOrForcedKeys(state, applied.forced, config.providerKeys.values());
    if (applied.forced && special) forcedKeys = { name: applied.forced.name, providerKeys: special.providerKeys };
    else if (modelDecision.kind === 'forced') forcedKeys = modelDecision.target;

    if (forcedKeys) {
      route = `forced:${forcedKeys.name}`;
      reason = applied.forced ? `forced by <**${forcedKeys.name}**>` : `model "${canonical.model}" names a target`;
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
    const filter = forcedKeys ? candidateFilter({ disabled: state.disabled }) : candidateFilter(state, applied.forced);
    const sessionKey = input.sessionKey;
    const plan = new RoutePlan(
      { config, health: this.deps.health, healthPolicy: config.raw.virtualrouter.health, strategy: this.strategy, clock },
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

  private async saveSession(state: SessionRoutingState): Promise<void> {
    if (isEmptySessionState(state)) await this.deps.sessions.delete(state.sessionId);
    else await this.deps.sessions.put(state);
  }

  /** Pin changes of one session are serialized: each is a read-modify-write of the session's state. */
  private updatePin(sessionKey: string, route: string, providerKey: string | undefined): Promise<void> {
    return serialized(`session-pin:${sessionKey}`, () => this.writePin(sessionKey, route, providerKey));
  }

  private async writePin(sessionKey: string, route: string, providerKey: string | undefined): Promise<void> {
    const now = this.deps.clock.now();
    const state = (await this.deps.sessions.get(sessionKey)) ?? emptySessionState(sessionKey, now);
    const pins = { ...state.pins };
    if (providerKey === undefined) delete pins[route];
    else pins[route] = providerKey;
    await this.saveSession({ ...state, pins, updatedAt: now });
  }
}
