/**
 * The round-robin position shared by every instance without a store round trip per request: each
 * instance reserves blocks of positions (`counters.reserve`, an INCRBY on Redis) and hands them out
 * locally; the next block is fetched in the background once half of the current one is used. Every
 * position is used once across all instances, so the rotation stays even globally. Until a block is
 * there (the first requests, or while the store is down) positions continue locally from the last one
 * handed out: a request never waits.
 */
import type { Logger } from '../../../shared/logger.js';
import type { RotationCounter } from '../../router/select/strategies.js';
import { StoreUnavailableError, type Counters } from '../store/types.js';

interface Block {
  next: number;
  end: number;
}

interface Rotation {
  current?: Block;
  spare?: Block;
  /** The last position handed out (local continuation when no block is there). */
  last: number;
  refilling: boolean;
  /** After a failed reservation, no new attempt before this time. */
  retryAt: number;
}

const RETRY_AFTER_FAILURE_MS = 1_000;

export class BlockRotationCounter implements RotationCounter {
  private readonly rotations = new Map<string, Rotation>();
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    private readonly counters: Pick<Counters, 'reserve'>,
    private readonly logger: Logger,
    private readonly blockSize = 16,
  ) {}

  next(name: string): number {
    const r = this.rotation(name);
    if ((!r.current || r.current.next >= r.current.end) && r.spare) {
      r.current = r.spare;
      delete r.spare;
    }
    const position = r.current && r.current.next < r.current.end ? r.current.next++ : r.last + 1;
    r.last = position;
    const left = r.current ? r.current.end - r.current.next : 0;
    if (!r.spare && left <= this.blockSize / 2) this.refill(name, r);
    return position;
  }

  peek(name: string): number {
    const r = this.rotation(name);
    if (r.current && r.current.next < r.current.end) return r.current.next;
    return r.spare ? r.spare.next : r.last + 1;
  }

  /** Resolves once no reservation is in flight (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.inflight]);
  }

  private rotation(name: string): Rotation {
    let r = this.rotations.get(name);
    if (!r) this.rotations.set(name, (r = { last: -1, refilling: false, retryAt: 0 }));
    return r;
  }

  private refill(name: string, r: Rotation): void {
    if (r.refilling || Date.now() < r.retryAt) return;
    r.refilling = true;
    const done: Promise<void> = this.counters
      .reserve(name, this.blockSize)
      .then((start) => {
        r.spare = { next: start, end: start + this.blockSize };
      })
      .catch((e: unknown) => {
        r.retryAt = Date.now() + RETRY_AFTER_FAILURE_MS;
        if (!(e instanceof StoreUnavailableError)) this.logger.warn({ err: e, counter: name }, 'reserving round-robin positions failed; rotating locally');
      })
      .finally(() => {
        r.refilling = false;
        this.inflight.delete(done);
      });
    this.inflight.add(done);
  }
}
