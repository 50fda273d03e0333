/**
 * HealthManager (module `health`): owns the router's health store. On init it restores every record the
 * store still retains (unexpired cooldowns and trips, recent failure counts) and remembers what it
 * restored for `/manager/state/health`. It compacts the persisted history on a timer (and the file store
 * also compacts itself past a size); on stop it flushes pending writes and compacts once more.
 */
import type { CooldownReason, HealthState, ProviderHealthRecord } from '../../router/health/types.js';
import type { ManagerContext, ManagerModule } from '../types.js';
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

  constructor(private readonly options: HealthManagerOptions = {}) {}

  async init(context: ManagerContext): Promise<void> {
    this.context = context;
    const persistence = context.store.health;
    this.store.attach(persistence, context.logger);
    const now = context.clock.now();
    const records = await persistence.load(now);
    this.store.restore(records);
    this.restoredRecords = records.map((r) => restoredView(r, now));
    this.unsubscribe = persistence.subscribe((providerKey, record) => this.store.applyRemote(providerKey, record));
    if (records.length > 0) context.logger.info({ restored: this.restoredRecords }, 'health state restored');
  }

  start(): void {
    const context = this.requireContext();
    const interval = this.options.compactIntervalMs ?? context.config.raw.manager.healthCompactIntervalMs;
    this.timer = setInterval(() => void this.compact('timer'), interval);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
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
      .catch((e: unknown) => context.logger.error({ err: e, trigger }, 'health history compaction failed'))
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
