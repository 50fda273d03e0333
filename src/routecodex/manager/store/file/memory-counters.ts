/**
 * Counters of the file store, kept in memory: a file store serves exactly one gateway process (its state
 * directory is per serverId), so there is nobody to share them with, and round-robin positions or rate
 * windows are worth nothing after a restart. Shared counters are what the Redis store adds.
 */
import type { Counters } from '../types.js';

export class MemoryCounters implements Counters {
  private readonly values = new Map<string, number>();
  /** Hit times per window name, oldest first. */
  private readonly windows = new Map<string, number[]>();

  async next(name: string): Promise<number> {
    const value = this.values.get(name) ?? 0;
    this.values.set(name, value + 1);
    return value;
  }

  async reserve(name: string, count: number): Promise<number> {
    const value = this.values.get(name) ?? 0;
    this.values.set(name, value + count);
    return value;
  }

  async hitWindow(name: string, windowMs: number, now: number, limit?: number): Promise<number> {
    const hits = this.windows.get(name) ?? [];
    const from = now - windowMs;
    let drop = 0;
    while (drop < hits.length && hits[drop]! <= from) drop++;
    if (drop > 0) hits.splice(0, drop);
    if (limit !== undefined && hits.length >= limit) {
      this.windows.set(name, hits);
      return limit + 1;
    }
    hits.push(now);
    this.windows.set(name, hits);
    return hits.length;
  }
}
