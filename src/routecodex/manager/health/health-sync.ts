/**
 * Keeps an instance's health copy in step with a SHARED store (Redis). Pub/sub is the fast path
 * (health-manager.ts applies each notice); this is the safety net: every `intervalMs` it loads what the
 * store holds and merges it (a missed notice costs at most one interval), and when the store comes back
 * from an outage it first pushes what this instance changed meanwhile (everything, if the store lost its
 * data), then reloads. Merges never shorten a running cooldown. One run at a time; nothing here is on
 * the request path.
 */
import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import { StoreUnavailableError, type HealthPersistence, type StoreLink } from '../store/types.js';
import type { PersistentHealthStore } from './persistent-health-store.js';

export type PushMode = 'none' | 'dirty' | 'all';

export interface HealthSyncOptions {
  store: PersistentHealthStore;
  persistence: HealthPersistence;
  link?: StoreLink;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
}

export class HealthSync {
  private timer: NodeJS.Timeout | undefined;
  private offRestored: (() => void) | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly o: HealthSyncOptions) {}

  start(): void {
    this.timer = setInterval(() => void this.run('none'), this.o.intervalMs);
    this.timer.unref();
    this.offRestored = this.o.link?.onRestored(({ restarted }) => void this.run(restarted ? 'all' : 'dirty'));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.offRestored?.();
    this.offRestored = undefined;
    await this.running;
  }

  /** Pushes (per `push`), then loads and merges; runs after any run already going. */
  run(push: PushMode): Promise<void> {
    this.running = this.running.then(() => this.once(push));
    return this.running;
  }

  private async once(push: PushMode): Promise<void> {
    const { store, persistence, link, clock, logger } = this.o;
    if (link && !link.available) return;
    try {
      if (push !== 'none') {
        const pushed = store.pushLocal(push === 'all');
        await store.flush();
        logger.info({ pushed, mode: push }, 'health: local changes pushed to the shared store');
      }
      const changed = store.reconcile(await persistence.load(clock.now()));
      if (changed > 0) logger.debug({ changed }, 'health: reconcile adopted records of other instances');
    } catch (e) {
      if (e instanceof StoreUnavailableError) logger.debug({ err: e.message }, 'health reconcile skipped: store unavailable');
      else logger.warn({ err: e }, 'health reconcile failed');
    }
  }
}
