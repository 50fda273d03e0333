/**
 * RoutingStateManager (module `routing`): the router's SessionStore. Every session's routing state lives
 * in the store's session persistence, each expiring `manager.sessionTtlMs` after its last write; a
 * bounded LRU cache keeps reads cheap. Writes to one session go to the store in call order, and
 * `update` is a read-modify-write queued with them. A store
 * failure is logged and never fails the request: the cache still holds the new state for this process.
 * A timer sweeps expired sessions from the store and the cache.
 *
 * With a shared store (Redis) the request path never waits on the store for a session this process
 * holds: `update` returns once the cache has the new state and the write is queued (write-behind, in
 * order). Other instances' changes arrive as notices and are re-read into the cache (session-sync.ts);
 * after an outage the sessions whose writes failed are pushed again and the cache is re-read.
 */
import { systemClock, type Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { SessionRoutingState, SessionStore } from '../../router/session/state.js';
import { capabilitiesOf, StoreUnavailableError, type SessionPersistence } from '../store/types.js';
import type { ManagerContext, ManagerModule } from '../types.js';
import { LruCache } from './lru.js';
import { SessionSync, type CacheEntry } from './session-sync.js';

export interface RoutingStateManagerOptions {
  /** Sessions kept in memory (default 10,000); the rest are read from the store when needed. */
  maxCachedSessions?: number;
  /** How often expired sessions are swept (default: the session TTL, at most 10 minutes). */
  sweepIntervalMs?: number;
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
  /** Shared store: `update` does not wait for the store write. */
  private writeBehind = false;
  private sync: SessionSync | undefined;

  constructor(private readonly options: RoutingStateManagerOptions = {}) {
    this.cache = new LruCache(options.maxCachedSessions ?? 10_000);
  }

  init(context: ManagerContext): void {
    this.persistence = context.store.sessions;
    this.logger = context.logger;
    this.clock = context.clock;
    this.ttlMs = context.config.raw.manager.sessionTtlMs;
    this.writeBehind = capabilitiesOf(context.store).shared;
    const persistence = this.persistence;
    this.sync = new SessionSync({
      cache: this.cache,
      persistence,
      clock: this.clock,
      logger: context.logger,
      ttlMs: this.ttlMs,
      busy: (sessionId) => this.chains.has(sessionId),
      push: (sessionId, state) => this.write(sessionId, state ? 'put' : 'remove', (p) => (state ? p.put(state, this.ttlMs) : p.remove(sessionId))),
    });
    this.unsubscribe = persistence.subscribe((sessionId) => void this.sync?.refresh(sessionId));
    const offRestored = context.store.link?.onRestored(({ restarted }) => void this.sync?.restore(restarted));
    const off = this.unsubscribe;
    this.unsubscribe = () => {
      off();
      offRestored?.();
    };
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
    await this.sync?.idle();
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
    const read = this.sync?.reading(sessionId);
    try {
      state = await persistence.get(sessionId, now);
    } catch (e) {
      read?.done();
      if (e instanceof StoreUnavailableError) this.logger?.debug({ sessionId, err: e.message }, 'session read skipped: store unavailable');
      else this.logger?.error({ err: e, sessionId }, 'reading session routing state failed; routing this request without it');
      return undefined;
    }
    // A write that happened while this read was in flight is newer: keep it. A notice that arrived
    // meanwhile makes this read possibly stale: use it for this request, do not cache it.
    const stale = read?.done() ?? false;
    if (!this.cache.has(sessionId) && !stale) {
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
    let decided: () => void = () => undefined;
    const computed = new Promise<void>((resolve) => (decided = resolve));
    const run = this.enqueue(sessionId, async () => {
      const current = await this.get(sessionId);
      result = change(current);
      if (result === current) return decided();
      this.cache.set(sessionId, { state: result, expiresAt: this.clock.now() + this.ttlMs });
      decided();
      await this.persist(sessionId, result ? 'put' : 'remove', (p) => (result ? p.put(result, this.ttlMs) : p.remove(sessionId)));
    });
    await (this.writeBehind ? Promise.race([computed, run]) : run);
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
    const written = this.write(sessionId, next ? 'put' : 'remove', (p) => (next ? p.put(next, this.ttlMs) : p.remove(sessionId)));
    if (!this.writeBehind) await written;
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
      if (e instanceof StoreUnavailableError) this.logger?.debug({ err: e.message }, 'session sweep skipped: store unavailable');
      else this.logger?.error({ err: e }, 'sweeping expired session routing states failed');
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
      this.sync?.written(sessionId, true);
    } catch (e) {
      this.sync?.written(sessionId, false);
      if (e instanceof StoreUnavailableError) this.logger?.debug({ op, sessionId, err: e.message }, 'session write deferred: store unavailable');
      else this.logger?.error({ err: e, op, sessionId }, 'SESSION PERSISTENCE FAILED: the routing state is live in memory but will not survive a restart');
    }
  }
}
