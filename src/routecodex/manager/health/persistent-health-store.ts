/**
 * The router's HealthStore with persistence behind it: reads come from memory (synchronous, the hot path
 * never waits on I/O); every put/delete/recordEvent changes memory at once and queues the matching write
 * to the store's health persistence, in order, without blocking the caller. A failed write is logged
 * loudly and counted, never thrown into the request path; later writes still run.
 */
import type { Logger } from '../../../shared/logger.js';
import type { HealthStore, ProviderErrorEvent, ProviderHealthRecord } from '../../router/health/types.js';
import type { HealthPersistence } from '../store/types.js';

/** Events kept in memory for inspection (the persisted history is the store's). */
const MEMORY_EVENTS = 1000;

export class PersistentHealthStore implements HealthStore {
  private readonly records = new Map<string, ProviderHealthRecord>();
  private readonly events: ProviderErrorEvent[] = [];
  private persistence: HealthPersistence | undefined;
  private logger: Logger | undefined;
  private tail: Promise<void> = Promise.resolve();
  private pendingWrites = 0;
  private failedWrites = 0;

  /** Sends later writes to `persistence` (before this, the store is memory-only). */
  attach(persistence: HealthPersistence, logger: Logger): void {
    this.persistence = persistence;
    this.logger = logger;
  }

  /** Loads records into memory without writing them back. */
  restore(records: readonly ProviderHealthRecord[]): void {
    for (const r of records) this.records.set(r.providerKey, { ...r });
  }

  /** A change another instance made (shared stores): applied to memory, not written again. */
  applyRemote(providerKey: string, record: ProviderHealthRecord | undefined): void {
    if (record) this.records.set(providerKey, { ...record });
    else this.records.delete(providerKey);
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

  private enqueue(op: string, providerKey: string, write: (p: HealthPersistence) => Promise<void>): void {
    const persistence = this.persistence;
    if (!persistence) return;
    this.pendingWrites++;
    this.tail = this.tail.then(async () => {
      try {
        await write(persistence);
      } catch (e) {
        this.failedWrites++;
        this.logger?.error({ err: e, op, providerKey, failedWrites: this.failedWrites }, 'HEALTH PERSISTENCE FAILED: this change is live in memory but will not survive a restart');
      } finally {
        this.pendingWrites--;
      }
    });
  }
}
