/**
 * The candidates of one request: the route's pools in priority order (backup pools only when no primary
 * pool has an eligible target), each key checked against static filters (routing instructions, context
 * window) and health, the session's pin preferred while it stays eligible, the pool's strategy otherwise.
 * When everything is cooling, `whenAllCooling` decides: try the key free soonest, or fail with 503.
 * A key with an `rpm` is admitted by the rate gate before it is handed out (the one await of a pick,
 * only for such keys); a key whose window is full is skipped like a cooling key (`rpm limit`).
 */
import { UpstreamFailure } from '../canonical/index.js';
import type { ProviderKeySpec, ResolvedConfig } from '../config/resolved.js';
import type { HealthConfig } from '../config/schema.js';
import type { Clock } from '../../shared/clock.js';
import type { Candidate, CandidateSource } from './exchange-types.js';
import type { HealthTracker } from './health/health-tracker.js';
import type { RateGate } from './select/rate-gate.js';
import type { SelectionStrategy } from './select/strategies.js';

export interface PlannedPool {
  id: string;
  backup: boolean;
  providerKeys: readonly string[];
}

export type StaticVerdict = { ok: true } | { ok: false; reason: string };

export interface CandidateView {
  providerKey: string;
  pool: string;
  kept: boolean;
  reason?: string;
}

export interface RoutePlanDeps {
  config: ResolvedConfig;
  health: HealthTracker;
  healthPolicy: HealthConfig;
  strategy: SelectionStrategy;
  clock: Clock;
  /** Admits requests to keys that have an `rpm`. */
  rateGate?: RateGate;
}

export interface RoutePlanOptions {
  route: string;
  pools: PlannedPool[];
  /** Routing-instruction verdict per key. */
  instructionFilter: (spec: ProviderKeySpec) => StaticVerdict;
  estimatedTokens: number;
  sessionKey?: string;
  pin?: string;
  /** Called when the session's pin for this route should change (undefined = drop it). */
  onPinChange?: (providerKey: string | undefined) => void;
}

export class RoutePlan implements CandidateSource {
  readonly route: string;
  /** After a context-length failure, keys whose known window is not larger are skipped. */
  private minWindow = 0;
  private pin: string | undefined;
  /** The pin the session store holds (as far as this plan knows). */
  private persistedPin: string | undefined;
  private exhausted: UpstreamFailure | undefined;
  /** Keys the rate gate refused during this request. */
  private readonly rpmRefused = new Set<string>();

  constructor(
    private readonly deps: RoutePlanDeps,
    private readonly opts: RoutePlanOptions,
  ) {
    this.route = opts.route;
    this.pin = opts.pin;
    this.persistedPin = opts.pin;
  }

  /** Why a key cannot be used regardless of health; undefined when it can. */
  staticReason(providerKey: string): string | undefined {
    const spec = this.deps.config.providerKeys.get(providerKey);
    if (!spec) return 'not configured';
    const verdict = this.opts.instructionFilter(spec);
    if (!verdict.ok) return verdict.reason;
    const window = spec.info.maxContextTokens;
    if (window !== undefined && window < this.opts.estimatedTokens) return `context window ${window} < ~${this.opts.estimatedTokens} tokens`;
    if (this.minWindow > 0 && window !== undefined && window <= this.minWindow) return `context window ${window} not larger than one that already overflowed (${this.minWindow})`;
    return undefined;
  }

  /** A key with an `rpm` whose window is full (refused here, or known full to the gate). */
  private rpmLimited(providerKey: string): boolean {
    const gate = this.deps.rateGate;
    return this.rpmRefused.has(providerKey) || (gate !== undefined && this.deps.config.providerKeys.get(providerKey)?.info.rpm !== undefined && gate.limitedUntil(providerKey) !== undefined);
  }

  private healthReason(providerKey: string): string | undefined {
    if (this.rpmLimited(providerKey)) return 'rpm limit';
    if (this.deps.health.isAvailable(providerKey)) return undefined;
    const v = this.deps.health.view(providerKey);
    const until = v.cooldownExpiresAt !== undefined ? ` until ${new Date(v.cooldownExpiresAt).toISOString()}` : '';
    return v.state === 'half-open' ? 'half-open: probe in flight' : `${v.state}${v.reason ? ` (${v.reason})` : ''}${until}`;
  }

  next(tried: ReadonlySet<string>): Candidate | undefined | Promise<Candidate | undefined> {
    const candidate = this.pick(tried);
    return candidate?.spec.info.rpm !== undefined && this.deps.rateGate ? this.admitted(candidate, this.deps.rateGate, tried) : candidate;
  }

  /** Asks the gate; a refused key is skipped (its probe slot, if it took one, freed) and the pick goes on. */
  private async admitted(first: Candidate, gate: RateGate, tried: ReadonlySet<string>): Promise<Candidate | undefined> {
    let candidate: Candidate | undefined = first;
    while (candidate?.spec.info.rpm !== undefined) {
      if (await gate.admit(candidate.providerKey, candidate.spec.info.rpm)) return candidate;
      this.rpmRefused.add(candidate.providerKey);
      this.deps.health.reportNeutral(candidate.providerKey);
      candidate = this.pick(tried);
    }
    return candidate;
  }

  private pick(tried: ReadonlySet<string>): Candidate | undefined {
    for (const backup of [false, true]) {
      for (const pool of this.opts.pools) {
        if (pool.backup !== backup) continue;
        const picked = this.pickFrom(pool, tried);
        if (picked) return picked;
      }
    }
    return this.whenAllCooling(tried);
  }

  private pickFrom(pool: PlannedPool, tried: ReadonlySet<string>): Candidate | undefined {
    let eligible = pool.providerKeys.filter((k) => !tried.has(k) && this.staticReason(k) === undefined && !this.rpmLimited(k) && this.deps.health.isAvailable(k));
    while (eligible.length > 0) {
      const key =
        this.pin !== undefined && eligible.includes(this.pin)
          ? this.pin
          : this.deps.strategy.pick(pool.id, eligible, this.opts.sessionKey !== undefined ? { sessionKey: this.opts.sessionKey } : {});
      // A half-open key lets one probe through; if another request took it, look again.
      if (this.deps.health.acquire(key)) return this.candidate(key);
      eligible = eligible.filter((k) => k !== key);
    }
    return undefined;
  }

  private whenAllCooling(tried: ReadonlySet<string>): Candidate | undefined {
    const all = [...new Set(this.opts.pools.flatMap((p) => p.providerKeys))];
    const usable = all.filter((k) => this.staticReason(k) === undefined);
    if (usable.length === 0) {
      this.exhausted = this.staticExhaustion(all);
      return undefined;
    }
    const cooling = usable.filter((k) => !tried.has(k) && !this.rpmLimited(k));
    if (cooling.length === 0) {
      const limited = usable.filter((k) => !tried.has(k));
      if (limited.length > 0) this.exhausted = this.rpmExhaustion(limited);
      return undefined; // everything usable was tried: the last failure speaks
    }
    if (this.deps.healthPolicy.whenAllCooling === 'try-soonest') {
      const soonest = this.deps.health.soonestCooling(cooling);
      if (soonest) return this.candidate(soonest.providerKey);
    }
    const until = this.deps.health.earliestExpiry(cooling);
    const retryAfterMs = until !== undefined ? Math.max(0, until - this.deps.clock.now()) : undefined;
    this.exhausted = new UpstreamFailure({
      class: 'unavailable',
      message: `every target of route "${this.route}" is cooling down or tripped${until !== undefined ? `; the first is free at ${new Date(until).toISOString()}` : ''}`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
    return undefined;
  }

  private rpmExhaustion(keys: string[]): UpstreamFailure {
    const ends = keys.map((k) => this.deps.rateGate?.limitedUntil(k)).filter((t): t is number => t !== undefined);
    const retryAfterMs = ends.length > 0 ? Math.max(0, Math.min(...ends) - this.deps.clock.now()) : 1_000;
    return new UpstreamFailure({ class: 'unavailable', message: `every target of route "${this.route}" is at its rpm limit (${keys.join(', ')})`, retryAfterMs });
  }

  private staticExhaustion(all: string[]): UpstreamFailure {
    const reasons = all.map((k) => `${k}: ${this.staticReason(k)}`);
    const byContext = all.length > 0 && all.every((k) => /context window/.test(this.staticReason(k) ?? ''));
    if (byContext) {
      return new UpstreamFailure({ class: 'context_length', status: 400, message: `no target of route "${this.route}" can take ~${this.opts.estimatedTokens} tokens (${reasons.join('; ')})` });
    }
    return new UpstreamFailure({
      class: 'client_error',
      status: 400,
      message: all.length === 0 ? `route "${this.route}" has no target` : `every target of route "${this.route}" is excluded: ${reasons.join('; ')}`,
    });
  }

  private candidate(providerKey: string): Candidate {
    return { providerKey, spec: this.deps.config.providerKeys.get(providerKey)! };
  }

  exhaustedReason(): UpstreamFailure | undefined {
    return this.exhausted;
  }

  attemptFailed(providerKey: string, failure: UpstreamFailure): void {
    if (failure.class === 'context_length') {
      const window = this.deps.config.providerKeys.get(providerKey)?.info.maxContextTokens;
      this.minWindow = Math.max(this.minWindow, window ?? this.opts.estimatedTokens);
    }
    // A stale pin never blocks failover: the first failure drops it.
    if (this.pin === providerKey) this.pin = undefined;
  }

  attemptCommitted(providerKey: string): void {
    this.pin = providerKey;
    this.flushPin();
  }

  finished(): void {
    this.flushPin();
  }

  /** One session write per change, before the client sees the answer (no window where the next turn reads a stale pin). */
  private flushPin(): void {
    if (this.pin === this.persistedPin) return;
    this.persistedPin = this.pin;
    this.opts.onPinChange?.(this.pin);
  }

  /** Every candidate with why it is kept or filtered (no side effects). */
  explain(): CandidateView[] {
    return this.opts.pools.flatMap((pool) =>
      pool.providerKeys.map((providerKey) => {
        const reason = this.staticReason(providerKey) ?? this.healthReason(providerKey);
        return reason ? { providerKey, pool: pool.id, kept: false, reason } : { providerKey, pool: pool.id, kept: true };
      }),
    );
  }

  /** The key the next pick would start from, without consuming a rotation or a probe slot. */
  previewPick(): string | undefined {
    for (const backup of [false, true]) {
      for (const pool of this.opts.pools) {
        if (pool.backup !== backup) continue;
        const eligible = pool.providerKeys.filter((k) => this.staticReason(k) === undefined && !this.rpmLimited(k) && this.deps.health.isAvailable(k));
        if (eligible.length === 0) continue;
        if (this.pin !== undefined && eligible.includes(this.pin)) return this.pin;
        return this.deps.strategy.preview(pool.id, eligible, this.opts.sessionKey !== undefined ? { sessionKey: this.opts.sessionKey } : {});
      }
    }
    const usable = this.opts.pools.flatMap((p) => p.providerKeys).filter((k) => this.staticReason(k) === undefined);
    return this.deps.healthPolicy.whenAllCooling === 'try-soonest' ? this.deps.health.soonestCooling(usable)?.providerKey : undefined;
  }
}
