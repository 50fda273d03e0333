/**
 * The router's HealthStore with persistence behind it: reads come from memory (synchronous, the hot path
 * never waits on I/O); every put/delete/recordEvent changes memory at once and queues the matching write
 * to the store's health persistence, in order, without blocking the caller. A failed write is logged
 * loudly and counted, never thrown into the request path; later writes still run. A key whose last
 * write failed is remembered as dirty and pushed again once a shared store is back (`pushLocal`).
 * Records of other instances (`applyRemote`, `reconcile`) are merged, never shortening a running cooldown.
 */
import { systemClock, type Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import type { HealthStore, ProviderErrorEvent, ProviderHealthRecord } from '../../router/health/types.js';
import { mergeHealth, sameHealth } from '../store/health-merge.js';
import { StoreUnavailableError, type HealthPersistence } from '../store/types.js';

/** Events kept in memory for inspection (the persisted history is the store's). */
const MEMORY_EVENTS = 1000;

type Op = 'save' | 'remove' | 'appendEvent';

export class PersistentHealthStore implements HealthStore {
  private readonly records = new Map<string, ProviderHealthRecord>();
  private readonly events: ProviderErrorEvent[] = [];
  private persistence: HealthPersistence | undefined;
  private logger: Logger | undefined;
  private clock: Clock = systemClock;
  private tail: Promise<void> = Promise.resolve();
  private pendingWrites = 0;
  private failedWrites = 0;
  /** Keys whose last save/remove did not reach the store. */
  private readonly dirty = new Set<string>();

  /** Sends later writes to `persistence` (before this, the store is memory-only). */
  attach(persistence: HealthPersistence, logger: Logger, clock: Clock = systemClock): void {
    this.persistence = persistence;
    this.logger = logger;
    this.clock = clock;
  }

  /** Loads records into memory without writing them back. */
  restore(records: readonly ProviderHealthRecord[]): void {
    for (const r of records) this.records.set(r.providerKey, { ...r });
  }

  /** A change another instance made (shared stores): merged into memory, not written again. */
  applyRemote(providerKey: string, record: ProviderHealthRecord | undefined): void {
    if (!record) {
      this.records.delete(providerKey);
      return;
    }
    const local = this.records.get(providerKey);
    this.records.set(providerKey, { ...mergeHealth(local, record, this.clock.now()) });
  }

  /** Merges what the store holds (a periodic reconcile); returns how many local records changed. */
  reconcile(remote: readonly ProviderHealthRecord[]): number {
    const now = this.clock.now();
    let changed = 0;
    for (const record of remote) {
      const local = this.records.get(record.providerKey);
      const merged = mergeHealth(local, record, now);
      if (sameHealth(merged, local)) continue;
      this.records.set(record.providerKey, { ...merged });
      changed++;
    }
    return changed;
  }

  /**
   * Queues again what the store missed: the dirty keys, or (`all`, after the store lost its data) every
   * record this process holds. The store's merge keeps whichever cooldown runs longer. Returns how many.
   */
  pushLocal(all: boolean): number {
    const keys = new Set([...this.dirty, ...(all ? this.records.keys() : [])]);
    for (const key of keys) {
      const record = this.records.get(key);
      if (record) this.enqueue('save', key, (p) => p.save(record));
      else this.enqueue('remove', key, (p) => p.remove(key));
    }
    return keys.size;
  }

  get(providerKey: string): ProviderHealthRecord | undefined {
    return this.records.get(providerKey);
  }

  put(record: ProviderHealthRecord): void {
    const copy = { ...record };
    this.records.set(copy.providerKey, copy);
    this.enqueue('save', copy.providerKey, (p) => p.save(copy));
  }

  delete(providerKey: string): void {
    this.records.delete(providerKey);
    this.enqueue('remove', providerKey, (p) => p.remove(providerKey));
  }

  all(): ProviderHealthRecord[] {
    return [...this.records.values()];
  }

  recordEvent(event: ProviderErrorEvent): void {
    this.events.push(event);
    if (this.events.length > MEMORY_EVENTS) this.events.splice(0, this.events.length - MEMORY_EVENTS);
    this.enqueue('appendEvent', event.providerKey, (p) => p.appendEvent(event));
  }

  /** The newest events seen by this process, oldest first. */
  recentEvents(): ProviderErrorEvent[] {
    return [...this.events];
  }

  /** Resolves once every write queued so far has finished (or failed and been logged). */
  flush(): Promise<void> {
    return this.tail;
  }

  get stats(): { pendingWrites: number; failedWrites: number } {
    return { pendingWrites: this.pendingWrites, failedWrites: this.failedWrites };
  }

  /** Keys whose last write did not reach the store (pushed again by `pushLocal`). */
  dirtyKeys(): string[] {
    return [...this.dirty];
  }

  private enqueue(op: Op, providerKey: string, write: (p: HealthPersistence) => Promise<void>): void {
    const persistence = this.persistence;
    if (!persistence) return;
    this.pendingWrites++;
    this.tail = this.tail.then(async () => {
      try {
        await write(persistence);
        if (op !== 'appendEvent') this.dirty.delete(providerKey);
      } catch (e) {
        this.failedWrites++;
        if (op !== 'appendEvent') this.dirty.add(providerKey);
        if (e instanceof StoreUnavailableError) {
          // The store warned once for the outage; this change is pushed when it is back.
          this.logger?.debug({ op, providerKey, err: e.message }, 'health write deferred: store unavailable');
        } else {
          this.logger?.error({ err: e, op, providerKey, failedWrites: this.failedWrites }, 'HEALTH PERSISTENCE FAILED: this change is live in memory but will not survive a restart');
        }
      } finally {
        this.pendingWrites--;
      }
    });
  }
}
