/**
 * The rate gate every instance counts into: each request to a key with an `rpm` is one
 * `counters.hitWindow('rpm:<providerKey>', 60 s, now, rpm)` (a round trip, only for such keys). A key
 * found full is skipped here without asking again for a moment (at most 1 s, or one request's share of
 * the window), so a saturated key costs no round trip per request. While the store is down, this
 * instance counts on its own (the store has already warned once).
 */
import type { Clock } from '../../../shared/clock.js';
import type { Logger } from '../../../shared/logger.js';
import { LocalRateGate, RPM_WINDOW_MS, type RateGate } from '../../router/select/rate-gate.js';
import { StoreUnavailableError, type Counters } from '../store/types.js';

export class SharedRateGate implements RateGate {
  private readonly local: LocalRateGate;
  /** Keys found full → until when that is believed without asking. */
  private readonly full = new Map<string, number>();

  constructor(
    private readonly counters: Pick<Counters, 'hitWindow'>,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {
    this.local = new LocalRateGate(clock);
  }

  async admit(providerKey: string, rpm: number): Promise<boolean> {
    const now = this.clock.now();
    let count: number;
    try {
      count = await this.counters.hitWindow(`rpm:${providerKey}`, RPM_WINDOW_MS, now, rpm);
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) this.logger.warn({ err: e, providerKey }, 'shared rpm window failed; counting in this instance');
      return this.local.admitNow(providerKey, rpm);
    }
    if (count <= rpm) {
      this.full.delete(providerKey);
      return true;
    }
    this.full.set(providerKey, now + Math.min(1_000, RPM_WINDOW_MS / rpm));
    return false;
  }

  limitedUntil(providerKey: string): number | undefined {
    const until = this.full.get(providerKey);
    if (until !== undefined && until > this.clock.now()) return until;
    return this.local.limitedUntil(providerKey);
  }
}
