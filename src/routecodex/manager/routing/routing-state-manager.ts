/**
 * RoutingStateManager (module `routing`): the router's SessionStore. Every session's routing state lives
 * in the store's session persistence, each expiring `manager.sessionTtlMs` after its last write; a
 * bounded LRU cache keeps reads cheap. Writes to one session go to the store in call order, and
 * `update` is a read-modify-write queued with them. A store
 * failure is logged and never fails the request: the cache still holds the new state for this process.
 * A timer sweeps expired sessions from the store and the cache.
 */
import { systemClock, type Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { SessionRoutingState, SessionStore } from '../../router/session/state.js';
import type { SessionPersistence } from '../store/types.js';
import type { ManagerContext, ManagerModule } from '../types.js';
import { LruCache } from './lru.js';

export interface RoutingStateManagerOptions {
  /** Sessions kept in memory (default 10,000); the rest are read from the store when needed. */
  maxCachedSessions?: number;
  /** How often expired sessions are swept (default: the session TTL, at most 10 minutes). */
  sweepIntervalMs?: number;
}

interface CacheEntry {
  /** undefined: the store has no state for this session. */
  state: SessionRoutingState | undefined;
  expiresAt: number;
}

const DEFAULT_TTL_MS = 7 * 24 * 3_600_000;

export class RoutingStateManager implements ManagerModule, SessionStore {
  readonly id = 'routing';
  private readonly cache: LruCache<string, CacheEntry>;
  private persistence: SessionPersistence | undefined;
  private logger: Logger | undefined;
  private clock: Clock = systemClock;
  private ttlMs = DEFAULT_TTL_MS;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  /** The last queued write of each session (writes of one session run in order). */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly options: RoutingStateManagerOptions = {}) {
    this.cache = new LruCache(options.maxCachedSessions ?? 10_000);
  }

  init(context: ManagerContext): void {
    this.persistence = context.store.sessions;
    this.logger = context.logger;
    this.clock = context.clock;
    this.ttlMs = context.config.raw.manager.sessionTtlMs;
    this.unsubscribe = this.persistence.subscribe((sessionId) => this.cache.delete(sessionId));
  }

  start(): void {
    const interval = this.options.sweepIntervalMs ?? Math.min(this.ttlMs, 10 * 60_000);
    this.timer = setInterval(() => void this.sweep(), interval);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await Promise.all([...this.chains.values()]);
  }

  async get(sessionId: string): Promise<SessionRoutingState | undefined> {
    const now = this.clock.now();
    const hit = this.cache.get(sessionId);
    if (hit && hit.expiresAt > now) return hit.state;
    if (hit) this.cache.delete(sessionId);
    const persistence = this.persistence;
    if (!persistence) return undefined;
    let state: SessionRoutingState | undefined;
    try {
      state = await persistence.get(sessionId, now);
    } catch (e) {
      this.logger?.error({ err: e, sessionId }, 'reading session routing state failed; routing this request without it');
      return undefined;
    }
    // A write that happened while this read was in flight is newer: keep it.
    if (!this.cache.has(sessionId)) {
      // The store's expiry is (last write + ttl), and the last write was not before `updatedAt`.
      this.cache.set(sessionId, { state, expiresAt: state ? state.updatedAt + this.ttlMs : now + this.ttlMs });
    }
    return state;
  }

  /**
   * Read-modify-write of one session. The cache is this process's authority: when it holds the
   * session, the change is applied to it at once (synchronously, so nothing interleaves and the next
   * request sees it immediately) and only the store write is queued behind the session's earlier
   * writes. On a cache miss the state is loaded first, in the same queue. `change` returns the new
   * state, undefined to delete it, or the state it was given to leave it alone.
   */
  async update(
    sessionId: string,
    change: (current: SessionRoutingState | undefined) => SessionRoutingState | undefined,
  ): Promise<SessionRoutingState | undefined> {
    const hit = this.cache.get(sessionId);
    if (hit && hit.expiresAt > this.clock.now()) return this.applyChange(sessionId, hit.state, change);
    let result: SessionRoutingState | undefined;
    await this.enqueue(sessionId, async () => {
      const current = await this.get(sessionId);
      result = change(current);
      if (result === current) return;
      this.cache.set(sessionId, { state: result, expiresAt: this.clock.now() + this.ttlMs });
      await this.persist(sessionId, result ? 'put' : 'remove', (p) => (result ? p.put(result, this.ttlMs) : p.remove(sessionId)));
    });
    return result;
  }

  private async applyChange(
    sessionId: string,
    current: SessionRoutingState | undefined,
    change: (current: SessionRoutingState | undefined) => SessionRoutingState | undefined,
  ): Promise<SessionRoutingState | undefined> {
    const next = change(current);
    if (next === current) return current;
    this.cache.set(sessionId, { state: next, expiresAt: this.clock.now() + this.ttlMs });
    await this.write(sessionId, next ? 'put' : 'remove', (p) => (next ? p.put(next, this.ttlMs) : p.remove(sessionId)));
    return next;
  }

  /** Removes expired sessions from the cache and the store; returns how many the store removed. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    this.cache.prune((entry) => entry.expiresAt <= now);
    if (!this.persistence) return 0;
    try {
      const removed = await this.persistence.sweep(now);
      if (removed > 0) this.logger?.info({ removed }, 'expired session routing states removed');
      return removed;
    } catch (e) {
      this.logger?.error({ err: e }, 'sweeping expired session routing states failed');
      return 0;
    }
  }

  private write(sessionId: string, op: string, fn: (p: SessionPersistence) => Promise<void>): Promise<void> {
    return this.enqueue(sessionId, () => this.persist(sessionId, op, fn));
  }

  /** Runs `task` after every earlier queued task of the session. */
  private enqueue(sessionId: string, task: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(sessionId) ?? Promise.resolve();
    const run = previous.then(task);
    const settled = run.catch(() => undefined);
    this.chains.set(sessionId, settled);
    void settled.then(() => {
      if (this.chains.get(sessionId) === settled) this.chains.delete(sessionId);
    });
    return run;
  }

  /** One store write; a failure is logged, never thrown (this process keeps the state in its cache). */
  private async persist(sessionId: string, op: string, fn: (p: SessionPersistence) => Promise<void>): Promise<void> {
    if (!this.persistence) return;
    try {
      await fn(this.persistence);
    } catch (e) {
      this.logger?.error({ err: e, op, sessionId }, 'SESSION PERSISTENCE FAILED: the routing state is live in memory but will not survive a restart');
    }
  }
}
