/**
 * The health state machine of every providerKey (ROUTECODEX.md §6). Failures are switched on their
 * class; a cooldown is only ever extended, never shortened, by a new one; an expired cooldown becomes
 * half-open and lets exactly one probe through; a success makes the key healthy and resets the ladder.
 */
import type { UpstreamFailure } from '../../canonical/index.js';
import type { HealthConfig } from '../../config/schema.js';
import type { Clock } from '../../../shared/clock.js';
import type { HealthReporter } from '../exchange-types.js';
import type { CooldownReason, HealthState, HealthStore, HealthTransition, ProviderHealthRecord } from './types.js';

export interface HealthView {
  providerKey: string;
  state: HealthState;
  reason?: CooldownReason;
  cooldownExpiresAt?: number;
  failureCount: number;
}

/** Which keys share a quota with a key: the same account (provider.alias) and model series. */
export type SeriesPeers = (providerKey: string, series: string) => string[];

/** A half-open probe slot is released by the attempt's report; this bounds it if a report never comes. */
const PROBE_SLOT_MS = 120_000;

export class HealthTracker implements HealthReporter {
  private readonly probes = new Map<string, number>();
  private readonly listeners: Array<(t: HealthTransition) => void> = [];

  constructor(
    private readonly store: HealthStore,
    private readonly policy: HealthConfig,
    private readonly clock: Clock,
    private readonly seriesPeers: SeriesPeers = () => [],
  ) {}

  onTransition(listener: (t: HealthTransition) => void): void {
    this.listeners.push(listener);
  }

  view(providerKey: string): HealthView {
    const rec = this.store.get(providerKey);
    if (!rec) return { providerKey, state: 'healthy', failureCount: 0 };
    const view: HealthView = { providerKey, state: this.stateOf(rec), failureCount: rec.failureCount };
    if (rec.reason) view.reason = rec.reason;
    if (rec.cooldownExpiresAt !== undefined && rec.state !== 'healthy') view.cooldownExpiresAt = rec.cooldownExpiresAt;
    return view;
  }

  /** The stored record of a key (for state endpoints), if it ever failed. */
  record(providerKey: string): ProviderHealthRecord | undefined {
    return this.store.get(providerKey);
  }

  /** Can a request be sent to this key now (healthy, or half-open with the probe slot free)? */
  isAvailable(providerKey: string): boolean {
    const state = this.view(providerKey).state;
    if (state === 'healthy') return true;
    if (state !== 'half-open') return false;
    const held = this.probes.get(providerKey);
    return held === undefined || held <= this.clock.now();
  }

  /** Takes the probe slot of a half-open key (a no-op for healthy keys); false when it is taken. */
  acquire(providerKey: string): boolean {
    if (this.view(providerKey).state !== 'half-open') return true;
    if (!this.isAvailable(providerKey)) return false;
    this.probes.set(providerKey, this.clock.now() + PROBE_SLOT_MS);
    return true;
  }

  /** Among cooling keys (rate limit / server: never auth or quota trips), the one free soonest. */
  soonestCooling(keys: readonly string[]): { providerKey: string; until: number } | undefined {
    let best: { providerKey: string; until: number } | undefined;
    for (const k of keys) {
      const rec = this.store.get(k);
      if (!rec || rec.state !== 'cooling' || rec.cooldownExpiresAt === undefined) continue;
      if (!best || rec.cooldownExpiresAt < best.until) best = { providerKey: k, until: rec.cooldownExpiresAt };
    }
    return best;
  }

  /** The earliest expiry among out-of-service keys (for a 503's Retry-After). */
  earliestExpiry(keys: readonly string[]): number | undefined {
    let min: number | undefined;
    for (const k of keys) {
      const exp = this.store.get(k)?.cooldownExpiresAt;
      if (exp !== undefined && exp > this.clock.now() && (min === undefined || exp < min)) min = exp;
    }
    return min;
  }

  reportSuccess(providerKey: string): void {
    this.probes.delete(providerKey);
    const rec = this.store.get(providerKey);
    if (!rec) return;
    const from = this.stateOf(rec);
    if (rec.state === 'healthy' && rec.failureCount === 0 && rec.rateLimitStep === 0) return;
    const now = this.clock.now();
    this.store.put({ providerKey, state: 'healthy', failureCount: 0, rateLimitStep: 0, lastSuccessAt: now, updatedAt: now });
    if (from !== 'healthy') this.emit({ providerKey, from, to: 'healthy' });
  }

  reportNeutral(providerKey: string): void {
    this.probes.delete(providerKey);
  }

  reportFailure(providerKey: string, failure: UpstreamFailure): void {
    this.probes.delete(providerKey);
    const now = this.clock.now();
    const rec = this.store.get(providerKey) ?? { providerKey, state: 'healthy', failureCount: 0, rateLimitStep: 0, updatedAt: now };
    const from = this.stateOf(rec);
    const next: ProviderHealthRecord = { ...rec, lastFailureAt: now, lastFailureClass: failure.class, lastFailureMessage: failure.message.slice(0, 300), updatedAt: now };
    switch (failure.class) {
      case 'rate_limit': {
        const ladder = this.policy.rateLimitScheduleMs;
        const step = ladder[Math.min(rec.rateLimitStep, ladder.length - 1)]!;
        const retryAfter = Math.min(failure.retryAfterMs ?? 0, this.policy.maxRetryAfterMs);
        this.cool(next, 'cooling', 'rate_limit', now + Math.max(retryAfter, step));
        next.rateLimitStep = rec.rateLimitStep + 1;
        break;
      }
      case 'quota': {
        const until = failure.quotaResetAt ?? now + this.policy.fatalCooldownMs;
        this.cool(next, 'tripped', 'quota', until);
        if (failure.quotaSeries) this.coolSeries(providerKey, failure.quotaSeries, until, failure);
        break;
      }
      case 'auth':
        this.cool(next, 'tripped', 'auth', now + this.policy.fatalCooldownMs);
        break;
      case 'server':
      case 'network':
      case 'timeout':
      case 'stream_broken':
      case 'malformed':
        next.failureCount = rec.failureCount + 1;
        if (next.failureCount >= this.policy.failureThreshold) this.cool(next, 'cooling', 'server', now + this.policy.cooldownMs);
        break;
      default:
        return; // context_length, client_error, unavailable: about the request, not the key
    }
    this.store.put(next);
    const to = this.stateOf(next);
    this.store.recordEvent({
      at: now,
      providerKey,
      class: failure.class,
      message: failure.message.slice(0, 500),
      ...(failure.status !== undefined ? { status: failure.status } : {}),
      ...(failure.upstreamCode !== undefined ? { upstreamCode: failure.upstreamCode } : {}),
      ...(failure.retryAfterMs !== undefined ? { retryAfterMs: failure.retryAfterMs } : {}),
      ...(failure.quotaResetAt !== undefined ? { quotaResetAt: failure.quotaResetAt } : {}),
      ...(from !== to || next.cooldownExpiresAt !== rec.cooldownExpiresAt ? { transition: { from, to, ...(next.cooldownExpiresAt !== undefined ? { until: next.cooldownExpiresAt } : {}) } } : {}),
    });
    if (from !== to || (to !== 'healthy' && next.cooldownExpiresAt !== rec.cooldownExpiresAt)) {
      this.emit({ providerKey, from, to, ...(next.reason ? { reason: next.reason } : {}), ...(next.cooldownExpiresAt !== undefined ? { until: next.cooldownExpiresAt } : {}) });
    }
  }

  /** Clears one key's state, or every key's. */
  reset(providerKey?: string): string[] {
    const keys = providerKey ? [providerKey] : this.store.all().map((r) => r.providerKey);
    for (const k of keys) {
      this.store.delete(k);
      this.probes.delete(k);
    }
    return keys;
  }

  private coolSeries(providerKey: string, series: string, until: number, failure: UpstreamFailure): void {
    const now = this.clock.now();
    for (const peer of this.seriesPeers(providerKey, series)) {
      if (peer === providerKey) continue;
      const rec = this.store.get(peer) ?? { providerKey: peer, state: 'healthy' as const, failureCount: 0, rateLimitStep: 0, updatedAt: now };
      const next: ProviderHealthRecord = { ...rec, updatedAt: now, lastFailureAt: now, lastFailureClass: 'quota', lastFailureMessage: `series "${series}" quota: ${failure.message.slice(0, 200)}` };
      const from = this.stateOf(rec);
      this.cool(next, 'tripped', 'quota', until);
      this.store.put(next);
      this.emit({ providerKey: peer, from, to: 'tripped', reason: 'quota', until: next.cooldownExpiresAt ?? until });
    }
  }

  /** Sets a cooldown, never shortening one that is still running; a running trip is not downgraded to a cooldown. */
  private cool(rec: ProviderHealthRecord, state: 'cooling' | 'tripped', reason: CooldownReason, until: number): void {
    const now = this.clock.now();
    const running = rec.state !== 'healthy' && rec.cooldownExpiresAt !== undefined && rec.cooldownExpiresAt > now ? rec.cooldownExpiresAt : 0;
    rec.cooldownExpiresAt = Math.max(running, until);
    if (running > 0 && rec.state === 'tripped' && state === 'cooling') return;
    rec.state = state;
    rec.reason = reason;
  }

  private stateOf(rec: ProviderHealthRecord): HealthState {
    if (rec.state === 'healthy') return 'healthy';
    if (rec.cooldownExpiresAt !== undefined && rec.cooldownExpiresAt <= this.clock.now()) return 'half-open';
    return rec.state;
  }

  private emit(t: HealthTransition): void {
    for (const l of this.listeners) l(t);
  }
}
