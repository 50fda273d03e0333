/**
 * Health of one providerKey (ROUTECODEX.md §6): `healthy` → `cooling` (until `cooldownExpiresAt`) or
 * `tripped` (auth/quota, until expiry) → `half-open` after expiry (one probe) → `healthy` on success.
 */
import type { FailureClass } from '../../canonical/index.js';

export type HealthState = 'healthy' | 'cooling' | 'tripped' | 'half-open';

/** Why a key is out of service. Rate-limit and server cooldowns may be tried when everything cools; auth and quota never. */
export type CooldownReason = 'rate_limit' | 'server' | 'quota' | 'auth' | 'manual';

export interface ProviderHealthRecord {
  providerKey: string;
  /** The stored state; `half-open` is derived from an expired cooldown, never stored. */
  state: 'healthy' | 'cooling' | 'tripped';
  reason?: CooldownReason;
  /** Consecutive server/network/timeout failures since the last success. */
  failureCount: number;
  /** Next step of the 429 ladder (`rateLimitScheduleMs`), reset by a success. */
  rateLimitStep: number;
  cooldownExpiresAt?: number;
  lastFailureAt?: number;
  lastFailureClass?: FailureClass;
  lastFailureMessage?: string;
  lastSuccessAt?: number;
  updatedAt: number;
}

/** A provider error, kept as an event (persisted by the HealthManager). */
export interface ProviderErrorEvent {
  at: number;
  providerKey: string;
  class: FailureClass;
  status?: number;
  message: string;
  upstreamCode?: string;
  retryAfterMs?: number;
  quotaResetAt?: number;
  /** What the failure did to the key. */
  transition?: { from: HealthState; to: HealthState; until?: number };
}

/**
 * Where health records live. Reads are synchronous (the hot path never waits on I/O: implementations
 * keep a local copy); writes are write-through and persistence happens behind them.
 */
export interface HealthStore {
  get(providerKey: string): ProviderHealthRecord | undefined;
  put(record: ProviderHealthRecord): void;
  delete(providerKey: string): void;
  all(): ProviderHealthRecord[];
  recordEvent(event: ProviderErrorEvent): void;
}

/** A transition observers (metrics, logs) hear about. */
export interface HealthTransition {
  providerKey: string;
  from: HealthState;
  to: HealthState;
  reason?: CooldownReason;
  until?: number;
}

export class MemoryHealthStore implements HealthStore {
  private readonly records = new Map<string, ProviderHealthRecord>();
  readonly events: ProviderErrorEvent[] = [];

  get(providerKey: string): ProviderHealthRecord | undefined {
    return this.records.get(providerKey);
  }
  put(record: ProviderHealthRecord): void {
    this.records.set(record.providerKey, record);
  }
  delete(providerKey: string): void {
    this.records.delete(providerKey);
  }
  all(): ProviderHealthRecord[] {
    return [...this.records.values()];
  }
  recordEvent(event: ProviderErrorEvent): void {
    this.events.push(event);
    if (this.events.length > 1000) this.events.splice(0, this.events.length - 1000);
  }
}
