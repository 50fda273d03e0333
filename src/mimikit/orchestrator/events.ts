/**
 * The runtime's event bus: every event gets a monotonically increasing `seq`; a bounded ring buffer lets a
 * subscriber resume after the last seq it saw. `seq` starts at the opening time × 1000, so seqs of a new
 * runtime are above those of any earlier one, and a stale or foreign `afterSeq` is detected (→ `resync`).
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { RuntimeEvent, RuntimeEventBody } from './views.js';

export type EventListener = (event: RuntimeEvent) => void;

export interface EventBusOptions {
  clock: Clock;
  /** Events kept for replay (default 2000). */
  capacity?: number;
  logger?: Logger;
}

export class EventBus {
  private readonly buffer: RuntimeEvent[] = [];
  private readonly listeners = new Set<EventListener>();
  private seq: number;
  /** Seq of the first event this bus published. */
  readonly firstSeq: number;
  private readonly capacity: number;

  constructor(private readonly options: EventBusOptions) {
    this.capacity = options.capacity ?? 2_000;
    this.seq = Math.floor(options.clock.now()) * 1_000;
    this.firstSeq = this.seq + 1;
  }

  /** The seq of the newest event (before any: `firstSeq - 1`). */
  get lastSeq(): number {
    return this.seq;
  }

  publish(body: RuntimeEventBody): RuntimeEvent {
    const event = { ...body, seq: ++this.seq, at: new Date(this.options.clock.now()).toISOString() } as RuntimeEvent;
    if (body.kind !== 'stream') {
      this.buffer.push(event);
      if (this.buffer.length > this.capacity) this.buffer.shift();
    }
    for (const listener of [...this.listeners]) this.deliver(listener, event);
    return event;
  }

  /**
   * Replays the buffered events after `afterSeq` (synchronously, before returning), then delivers live
   * ones. `undefined` = live only. An `afterSeq` this bus cannot serve (older than its buffer, or from
   * another runtime) first delivers a `resync` event.
   */
  subscribe(afterSeq: number | undefined, listener: EventListener): () => void {
    if (afterSeq !== undefined) {
      const oldest = this.buffer[0]?.seq ?? this.seq + 1;
      if (!Number.isFinite(afterSeq) || afterSeq < oldest - 1 || afterSeq > this.seq) {
        this.deliver(listener, { kind: 'resync', seq: this.seq, at: new Date(this.options.clock.now()).toISOString() });
      } else {
        for (const event of this.buffer) if (event.seq > afterSeq) this.deliver(listener, event);
      }
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  private deliver(listener: EventListener, event: RuntimeEvent): void {
    try {
      listener(event);
    } catch (e) {
      this.options.logger?.warn({ err: e, kind: event.kind }, 'event listener failed');
    }
  }
}
