/**
 * Load-balancing strategies within one pool: round-robin (default), smooth weighted round-robin
 * (nginx's algorithm: deterministic, evenly interleaved), and sticky (rendezvous hashing of the session
 * key, so a session keeps its key while the pool's other keys come and go).
 */
import { createHash } from 'node:crypto';

export type StrategyName = 'round-robin' | 'weighted' | 'sticky';

export interface PickContext {
  /** The session key, for the sticky strategy. */
  sessionKey?: string;
}

export interface SelectionStrategy {
  /** Picks one of `eligible` (non-empty) for pool `poolId`. */
  pick(poolId: string, eligible: readonly string[], ctx: PickContext): string;
  /** What `pick` would return now, without advancing any state (for explain). */
  preview(poolId: string, eligible: readonly string[], ctx: PickContext): string;
}

/** Counters behind round-robin; in memory here, shared across instances with Redis. */
export interface RotationCounter {
  next(name: string): number;
  peek(name: string): number;
}

export class MemoryRotationCounter implements RotationCounter {
  private readonly counters = new Map<string, number>();
  next(name: string): number {
    const n = this.counters.get(name) ?? 0;
    this.counters.set(name, n + 1);
    return n;
  }
  peek(name: string): number {
    return this.counters.get(name) ?? 0;
  }
}

export class RoundRobin implements SelectionStrategy {
  constructor(private readonly counter: RotationCounter = new MemoryRotationCounter()) {}
  pick(poolId: string, eligible: readonly string[]): string {
    return eligible[this.counter.next(`rr:${poolId}`) % eligible.length]!;
  }
  preview(poolId: string, eligible: readonly string[]): string {
    return eligible[this.counter.peek(`rr:${poolId}`) % eligible.length]!;
  }
}

export class SmoothWeighted implements SelectionStrategy {
  private readonly current = new Map<string, Map<string, number>>();

  constructor(private readonly weightOf: (providerKey: string) => number) {}

  pick(poolId: string, eligible: readonly string[]): string {
    let state = this.current.get(poolId);
    if (!state) this.current.set(poolId, (state = new Map()));
    return this.step(state, eligible);
  }

  preview(poolId: string, eligible: readonly string[]): string {
    return this.step(new Map(this.current.get(poolId)), eligible);
  }

  private step(state: Map<string, number>, eligible: readonly string[]): string {
    let total = 0;
    let best: string | undefined;
    let bestWeight = -Infinity;
    for (const key of eligible) {
      const w = this.weightOf(key);
      const cw = (state.get(key) ?? 0) + w;
      state.set(key, cw);
      total += w;
      if (cw > bestWeight) {
        bestWeight = cw;
        best = key;
      }
    }
    state.set(best!, bestWeight - total);
    return best!;
  }
}

function score(sessionKey: string, providerKey: string): bigint {
  return createHash('sha256').update(sessionKey).update('\0').update(providerKey).digest().readBigUInt64BE(0);
}

export class StickyHash implements SelectionStrategy {
  constructor(private readonly fallback: SelectionStrategy) {}
  preview(poolId: string, eligible: readonly string[], ctx: PickContext): string {
    return ctx.sessionKey ? this.pick(poolId, eligible, ctx) : this.fallback.preview(poolId, eligible, ctx);
  }

  pick(poolId: string, eligible: readonly string[], ctx: PickContext): string {
    if (!ctx.sessionKey) return this.fallback.pick(poolId, eligible, ctx);
    let best = eligible[0]!;
    let bestScore = -1n;
    for (const key of eligible) {
      const s = score(ctx.sessionKey, key);
      if (s > bestScore) {
        bestScore = s;
        best = key;
      }
    }
    return best;
  }
}

/** Weight of a providerKey from `loadBalancing.weights`: by providerKey, else target `provider.model`, else provider id, else 1. */
export function weightLookup(weights: Record<string, number>, spec: (providerKey: string) => { providerId: string; model: string } | undefined) {
  return (providerKey: string): number => {
    const s = spec(providerKey);
    return weights[providerKey] ?? (s ? (weights[`${s.providerId}.${s.model}`] ?? weights[s.providerId]) : undefined) ?? 1;
  };
}

export function createStrategy(name: StrategyName, weightOf: (k: string) => number, counter?: RotationCounter): SelectionStrategy {
  const rr = new RoundRobin(counter);
  switch (name) {
    case 'round-robin':
      return rr;
    case 'weighted':
      return new SmoothWeighted(weightOf);
    case 'sticky':
      return new StickyHash(rr);
  }
}
