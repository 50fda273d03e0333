/**
 * Per-providerKey request-rate limits (`rpm` in a model's info): before a request goes to a key with an
 * `rpm`, the gate counts it in the key's one-minute sliding window; a key whose window is full is skipped
 * like a cooling key (reason `rpm limit`). The router's default gate counts in this process; a shared
 * store (Redis) provides a gate every instance counts into (manager/routing/shared-rate-gate.ts).
 */
import type { Clock } from '../../../shared/clock.js';

export const RPM_WINDOW_MS = 60_000;

export interface RateGate {
  /** Counts one request to `providerKey`; false (nothing counted) when its window already holds `rpm`. */
  admit(providerKey: string, rpm: number): Promise<boolean>;
  /** When the key was last found full and is still believed to be (no I/O): its expected end, else undefined. */
  limitedUntil(providerKey: string): number | undefined;
}

/** A sliding window of one minute per key, in this process. */
export class LocalRateGate implements RateGate {
  private readonly hits = new Map<string, number[]>();
  /** Keys found full → when their oldest hit ages out. */
  private readonly full = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  async admit(providerKey: string, rpm: number): Promise<boolean> {
    return this.admitNow(providerKey, rpm);
  }

  /** The synchronous step (also the shared gate's fallback while its store is down). */
  admitNow(providerKey: string, rpm: number): boolean {
    const now = this.clock.now();
    let hits = this.hits.get(providerKey);
    if (!hits) this.hits.set(providerKey, (hits = []));
    let drop = 0;
    while (drop < hits.length && hits[drop]! <= now - RPM_WINDOW_MS) drop++;
    if (drop > 0) hits.splice(0, drop);
    if (hits.length >= rpm) {
      this.full.set(providerKey, hits[hits.length - rpm]! + RPM_WINDOW_MS);
      return false;
    }
    this.full.delete(providerKey);
    hits.push(now);
    return true;
  }

  limitedUntil(providerKey: string): number | undefined {
    const until = this.full.get(providerKey);
    return until !== undefined && until > this.clock.now() ? until : undefined;
  }
}
