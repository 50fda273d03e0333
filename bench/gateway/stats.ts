/** Percentiles and medians over samples in milliseconds. */

/** Linear-interpolated percentile (p in 0..100) of unsorted samples; NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (b - a) * (rank - lo);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface LatencySummary {
  p50: number;
  p99: number;
  mean: number;
  count: number;
}

export function summarize(samples: readonly number[]): LatencySummary {
  let sum = 0;
  for (const s of samples) sum += s;
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), mean: samples.length ? sum / samples.length : Number.NaN, count: samples.length };
}

/** Nanoseconds (hrtime difference) to milliseconds. */
export function nsToMs(ns: bigint): number {
  return Number(ns) / 1e6;
}
