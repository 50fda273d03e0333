/**
 * The store every ManagerDaemon module persists through. Two implementations pass one conformance
 * suite: files under `$ROUTECODEX_HOME/state/` (one server) and Redis (many gateway instances).
 * Each facet is small and says what it guarantees; modules never touch files or Redis directly.
 * A call may fail with `StoreUnavailableError` while a networked store is down: modules keep serving
 * from their local copies and reconcile when `link.onRestored` fires.
 */
import type { ProviderErrorEvent, ProviderHealthRecord } from '../../router/health/types.js';
import type { SessionRoutingState } from '../../router/session/state.js';

/** Health records and provider-error events. Records carry absolute deadlines; expired ones are dropped on load. */
export interface HealthPersistence {
  /** Every record that is still meaningful now (an unexpired cooldown/trip, or a non-zero failure count). */
  load(now: number): Promise<ProviderHealthRecord[]>;
  save(record: ProviderHealthRecord): Promise<void>;
  remove(providerKey: string): Promise<void>;
  appendEvent(event: ProviderErrorEvent): Promise<void>;
  /** The newest events, oldest first. */
  recentEvents(limit: number): Promise<ProviderErrorEvent[]>;
  /** Drops what the retention policy no longer keeps (file store: rewrites atomically). */
  compact(now: number): Promise<void>;
  /** Changes written by OTHER instances (Redis); never called for this instance's own writes. */
  subscribe(listener: (providerKey: string, record: ProviderHealthRecord | undefined) => void): () => void;
}

/** Session routing states, each expiring `ttlMs` after its last write. */
export interface SessionPersistence {
  get(sessionId: string, now: number): Promise<SessionRoutingState | undefined>;
  put(state: SessionRoutingState, ttlMs: number): Promise<void>;
  remove(sessionId: string): Promise<void>;
  /** Removes expired states; returns how many. */
  sweep(now: number): Promise<number>;
  subscribe(listener: (sessionId: string) => void): () => void;
}

export interface LeaseHolder {
  ownerId: string;
  pid: number;
  hostname: string;
  acquiredAt: number;
  heartbeatAt: number;
  /** Increases with every new holder: a stale holder's writes can be fenced off. */
  fence: number;
}

export interface Lease {
  name: string;
  holder: LeaseHolder;
  token: string;
}

/**
 * Named leases (the token leader, refresh single-flight). Acquire is atomic; a lease whose holder stopped
 * renewing for `ttlMs` (or whose process is dead, where that can be known) is taken over; release and
 * renew are fenced by the token, so a holder that lost its lease cannot touch the new holder's.
 */
export interface LeaseLocks {
  acquire(name: string, ownerId: string, ttlMs: number): Promise<Lease | undefined>;
  renew(lease: Lease, ttlMs: number): Promise<boolean>;
  release(lease: Lease): Promise<void>;
  holder(name: string): Promise<LeaseHolder | undefined>;
}

/** Counters that must be shared by every instance (round-robin positions, rate windows). */
export interface Counters {
  /** Returns the value before the increment (0 for a new counter). */
  next(name: string): Promise<number>;
  /** Reserves `count` consecutive values at once; returns the first (what `next` would have returned). */
  reserve(name: string, count: number): Promise<number>;
  /**
   * Adds one hit to a sliding window of `windowMs`; returns the hits in the window, this one included.
   * With `limit`, a hit that would exceed it is not kept (the answer is then greater than `limit`): refused
   * requests do not fill the window.
   */
  hitWindow(name: string, windowMs: number, now: number, limit?: number): Promise<number>;
}

/**
 * Where the two stores legitimately differ, said explicitly (the conformance suite reads these flags
 * instead of skipping tests).
 */
export interface StoreCapabilities {
  /**
   * Several gateway instances share the store: `subscribe` listeners fire for other instances' writes,
   * counters are global, and the modules keep local copies in front of it (the request path never waits
   * on it). The file store: one process, `subscribe` never fires, counters live in memory.
   */
  shared: boolean;
  /**
   * `holder()` returns undefined once a lease's ttl passed without a renewal. The file store reports the
   * recorded holder, stale or not, until a contender takes the lease over.
   */
  holderExpires: boolean;
}

/** A store that is reached over a network and can be down for a while (Redis). */
export interface StoreLink {
  /** False during an outage: every call fails fast with `StoreUnavailableError`. */
  readonly available: boolean;
  /**
   * Called once the store is reachable again after an outage; `restarted` when the server came back as a
   * new process (without persistence it lost every key: modules push their whole state, not only what
   * changed during the outage).
   */
  onRestored(listener: (event: { restarted: boolean }) => void): () => void;
}

/** A call made while the store is unreachable; the store has already said so loudly, once per outage. */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

export interface ManagerStore {
  readonly kind: 'file' | 'redis';
  /** Absent: a local, single-instance store (`shared: false`, `holderExpires: false`). */
  readonly capabilities?: StoreCapabilities;
  /** Present on stores that can become unreachable. */
  readonly link?: StoreLink;
  readonly health: HealthPersistence;
  readonly sessions: SessionPersistence;
  readonly locks: LeaseLocks;
  readonly counters: Counters;
  close(): Promise<void>;
}

const LOCAL_STORE: StoreCapabilities = { shared: false, holderExpires: false };

export function capabilitiesOf(store: ManagerStore): StoreCapabilities {
  return store.capabilities ?? LOCAL_STORE;
}
