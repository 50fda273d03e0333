/**
 * HealthManager (module `health`): owns the router's health store. On init it restores every record the
 * store still retains (unexpired cooldowns and trips, recent failure counts) and remembers what it
 * restored for `/manager/state/health`. It compacts the persisted history on a timer (and the file store
 * also compacts itself past a size); on stop it flushes pending writes and compacts once more. With a
 * shared store (Redis) it applies other instances' changes as they are announced and reconciles on a
 * timer and after an outage (health-sync.ts); a store that is down at start is not fatal there.
 */
import type { CooldownReason, HealthState, ProviderHealthRecord } from '../../router/health/types.js';
import { capabilitiesOf, StoreUnavailableError } from '../store/types.js';
import type { ManagerContext, ManagerModule } from '../types.js';
import { HealthSync, type PushMode } from './health-sync.js';
import { PersistentHealthStore } from './persistent-health-store.js';

/** One record restored at start, as `/manager/state/health` shows it. */
export interface RestoredHealth {
  providerKey: string;
  /** The state at restore time (`half-open` for an expired cooldown that still counts failures). */
  state: HealthState;
  reason?: CooldownReason;
  /** When the restored cooldown or trip ends. */
  until?: number;
  failureCount: number;
}

export interface HealthManagerOptions {
  /** Overrides `manager.healthCompactIntervalMs`. */
  compactIntervalMs?: number;
  /** Shared stores: how often the local copy is reconciled with the store (default 2 s). */
  reconcileIntervalMs?: number;
}

export class HealthManager implements ManagerModule {
  readonly id = 'health';
  /** The store the router's HealthTracker is built on (usable, memory-only, even if init fails). */
  readonly store = new PersistentHealthStore();
  private restoredRecords: RestoredHealth[] = [];
  private context: ManagerContext | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private compacting: Promise<void> | undefined;
  private sync: HealthSync | undefined;

  constructor(private readonly options: HealthManagerOptions = {}) {}

  async init(context: ManagerContext): Promise<void> {
    this.context = context;
    const persistence = context.store.health;
    this.store.attach(persistence, context.logger, context.clock);
    this.unsubscribe = persistence.subscribe((providerKey, record) => this.store.applyRemote(providerKey, record));
    const shared = capabilitiesOf(context.store).shared;
    if (shared) {
      const intervalMs = this.options.reconcileIntervalMs ?? 2_000;
      this.sync = new HealthSync({ store: this.store, persistence, ...(context.store.link ? { link: context.store.link } : {}), clock: context.clock, logger: context.logger, intervalMs });
    }
    const now = context.clock.now();
    let records: ProviderHealthRecord[];
    try {
      records = await persistence.load(now);
    } catch (e) {
      // A shared store that is down at start: serve from local state; its restore reconciles.
      if (!(shared && e instanceof StoreUnavailableError)) throw e;
      context.logger.warn({ err: e.message }, 'health: starting without the shared health state; it is loaded once the store is back');
      records = [];
    }
    this.store.restore(records);
    this.restoredRecords = records.map((r) => restoredView(r, now));
    if (records.length > 0) context.logger.info({ restored: this.restoredRecords }, 'health state restored');
  }

  start(): void {
    const context = this.requireContext();
    const interval = this.options.compactIntervalMs ?? context.config.raw.manager.healthCompactIntervalMs;
    this.timer = setInterval(() => void this.compact('timer'), interval);
    this.timer.unref();
    this.sync?.start();
  }

  /** Shared stores: reconciles with the store now (tests, and `push` after an outage). */
  reconcile(push: PushMode = 'none'): Promise<void> {
    return this.sync?.run(push) ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.sync?.stop();
    await this.store.flush();
    await this.compact('stop');
  }

  /** What was restored at start. */
  restored(): RestoredHealth[] {
    return this.restoredRecords.map((r) => ({ ...r }));
  }

  /** Compacts the persisted history now (one at a time); failures are logged, never thrown. */
  compact(trigger: 'timer' | 'stop' | 'manual' = 'manual'): Promise<void> {
    if (this.compacting) return this.compacting;
    const context = this.requireContext();
    this.compacting = context.store.health
      .compact(context.clock.now())
      .catch((e: unknown) =>
        e instanceof StoreUnavailableError
          ? context.logger.debug({ err: e.message, trigger }, 'health history compaction skipped: store unavailable')
          : context.logger.error({ err: e, trigger }, 'health history compaction failed'),
      )
      .finally(() => (this.compacting = undefined));
    return this.compacting;
  }

  private requireContext(): ManagerContext {
    if (!this.context) throw new Error('the health manager was not initialised');
    return this.context;
  }
}

function restoredView(r: ProviderHealthRecord, now: number): RestoredHealth {
  const expired = r.cooldownExpiresAt !== undefined && r.cooldownExpiresAt <= now;
  const state: HealthState = r.state === 'healthy' ? 'healthy' : expired ? 'half-open' : r.state;
  return {
    providerKey: r.providerKey,
    state,
    ...(r.reason !== undefined && r.state !== 'healthy' ? { reason: r.reason } : {}),
    ...(r.cooldownExpiresAt !== undefined && r.state !== 'healthy' ? { until: r.cooldownExpiresAt } : {}),
    failureCount: r.failureCount,
  };
}
