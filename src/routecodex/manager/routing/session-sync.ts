/**
 * The RoutingStateManager's side of a SHARED store: another instance's change to a session this process
 * caches is re-read into the cache (never while a local change of that session is queued, and never over
 * a cache entry that changed during the read); a read already in flight when a notice arrives is not
 * cached. Sessions whose store write failed are remembered; when the store is back they are written
 * again (every cached state, if the store lost its data) and every other cached entry is re-read, making
 * up for the notices missed during the outage.
 */
import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { SessionRoutingState } from '../../router/session/state.js';
import type { SessionPersistence } from '../store/types.js';
import type { LruCache } from './lru.js';

export interface CacheEntry {
  /** undefined: the store has no state for this session. */
  state: SessionRoutingState | undefined;
  expiresAt: number;
}

export interface SessionSyncOptions {
  cache: LruCache<string, CacheEntry>;
  persistence: SessionPersistence;
  clock: Clock;
  logger: Logger;
  ttlMs: number;
  /** True while a local change of the session is queued. */
  busy(sessionId: string): boolean;
  /** Queues a store write of the session's state (undefined: removal). */
  push(sessionId: string, state: SessionRoutingState | undefined): Promise<void>;
}

/** Cached entries re-read at a time after an outage. */
const REFRESH_BATCH = 200;

export class SessionSync {
  private readonly dirty = new Set<string>();
  /** Reads in flight → whether a notice arrived during the read. */
  private readonly reads = new Map<string, { stale: boolean }>();
  private restoring: Promise<void> = Promise.resolve();

  constructor(private readonly o: SessionSyncOptions) {}

  /** Marks a cache-miss read as started; `done()` tells whether a notice made it stale. */
  reading(sessionId: string): { done(): boolean } {
    const mark = { stale: false };
    this.reads.set(sessionId, mark);
    return {
      done: () => {
        if (this.reads.get(sessionId) === mark) this.reads.delete(sessionId);
        return mark.stale;
      },
    };
  }

  /** The outcome of a store write of the session. */
  written(sessionId: string, ok: boolean): void {
    if (ok) this.dirty.delete(sessionId);
    else this.dirty.add(sessionId);
  }

  /** Another instance changed the session: re-read it if this process caches it. */
  async refresh(sessionId: string): Promise<void> {
    const read = this.reads.get(sessionId);
    if (read) read.stale = true;
    const { cache, persistence, clock, ttlMs } = this.o;
    const before = cache.peek(sessionId);
    if (!before || this.o.busy(sessionId)) return; // not cached: the next request reads it anyway
    let state: SessionRoutingState | undefined;
    try {
      state = await persistence.get(sessionId, clock.now());
    } catch (e) {
      // Keep the cached state: the restore after the outage re-reads it.
      this.o.logger.debug({ sessionId, err: e instanceof Error ? e.message : String(e) }, 'could not re-read a session changed elsewhere');
      return;
    }
    if (cache.peek(sessionId) !== before || this.o.busy(sessionId)) return; // changed here meanwhile: ours is newer
    const now = clock.now();
    cache.set(sessionId, { state, expiresAt: state ? state.updatedAt + ttlMs : now + ttlMs });
  }

  /** The store is back: push what it missed, then re-read the rest of the cache. */
  restore(restarted: boolean): Promise<void> {
    this.restoring = this.restoring.then(() => this.restoreOnce(restarted));
    return this.restoring;
  }

  /** Resolves once a running restore finished. */
  idle(): Promise<void> {
    return this.restoring;
  }

  private async restoreOnce(restarted: boolean): Promise<void> {
    const { cache, logger } = this.o;
    const now = this.o.clock.now();
    const pushed = new Set(this.dirty);
    if (restarted) for (const id of cache.keys()) if (cache.peek(id)?.state) pushed.add(id);
    const writes: Promise<void>[] = [];
    for (const id of pushed) {
      const entry = cache.peek(id);
      if (entry && entry.expiresAt > now) writes.push(this.o.push(id, entry.state));
      else this.dirty.delete(id); // evicted or expired: nothing left to push
    }
    await Promise.all(writes);
    const others = cache.keys().filter((id) => !pushed.has(id));
    for (let i = 0; i < others.length; i += REFRESH_BATCH) {
      await Promise.all(others.slice(i, i + REFRESH_BATCH).map((id) => this.refresh(id)));
    }
    logger.info({ pushed: writes.length, reread: others.length, restarted }, 'sessions: reconciled with the shared store after an outage');
  }
}
