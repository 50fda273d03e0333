/**
 * The result model and its derivations: per-round added latency (proxy minus direct, same round),
 * medians across rounds, and the ratios to the reference proxy with their targets.
 */
import type { ThroughputResult } from './load.js';
import { median, type LatencySummary } from './stats.js';

export const TARGETS = ['direct', 'reference', 'routecodex'] as const;
export type TargetId = (typeof TARGETS)[number];

export type ScenarioId = 'chat-json' | 'chat-stream' | 'translated-stream';

export const SCENARIO_LABELS: Record<ScenarioId, string> = {
  'chat-json': 'OpenAI chat, non-streaming passthrough',
  'chat-stream': 'OpenAI chat, streaming passthrough (last byte)',
  'translated-stream': 'Anthropic in -> OpenAI chat up, streaming (last byte)',
};

/** One measured series: a scenario sent to a target, summarized per round. */
export interface LatencySeries {
  scenario: ScenarioId;
  target: TargetId;
  rounds: LatencySummary[];
}

export interface Setup {
  node: string;
  cpu: string;
  cores: number;
  loadAverageAtStart: number[];
  rounds: number;
  requestsPerRound: number;
  warmupRequests: number;
  connections: number;
  durationSeconds: number;
  sseEventsPerStream: number;
}

export interface DerivedLatency {
  scenario: ScenarioId;
  target: TargetId;
  /** Medians across rounds of the per-round p50 / p99 (absolute, ms). */
  p50: number;
  p99: number;
  /** Per round: this series' percentile minus the direct baseline's, same round (ms). */
  addedP50Rounds: number[];
  addedP99Rounds: number[];
  addedP50: number;
  addedP99: number;
  /** Which direct series is the baseline. */
  baseline: ScenarioId;
  /** The raw per-round summaries. */
  rounds: LatencySummary[];
}

export interface DerivedThroughput {
  target: TargetId;
  rounds: ThroughputResult[];
  rps: number;
  minRps: number;
  maxRps: number;
  errors: number;
}

export interface Verdict {
  metric: string;
  routecodex: number;
  reference: number;
  unit: 'ms' | 'req/s';
  ratio: number;
  /** `<=` for latency, `>=` for throughput. */
  comparison: '<=' | '>=';
  target: number;
  pass: boolean;
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  setup: Setup;
  latency: DerivedLatency[];
  throughput: DerivedThroughput[];
  verdicts: Verdict[];
  notes: string[];
}

/** The translated pair is sent to RouteCodex only; its upstream exchange is the direct streaming chat. */
export function baselineOf(scenario: ScenarioId): ScenarioId {
  return scenario === 'translated-stream' ? 'chat-stream' : scenario;
}

export function deriveLatency(series: LatencySeries[]): DerivedLatency[] {
  const find = (scenario: ScenarioId, target: TargetId): LatencySeries | undefined =>
    series.find((s) => s.scenario === scenario && s.target === target);
  return series.map((s) => {
    const baseline = baselineOf(s.scenario);
    const direct = find(baseline, 'direct');
    const diff = (pick: (l: LatencySummary) => number): number[] =>
      direct ? s.rounds.map((r, i) => pick(r) - pick(direct.rounds[i] ?? r)) : [];
    const addedP50Rounds = diff((l) => l.p50);
    const addedP99Rounds = diff((l) => l.p99);
    return {
      scenario: s.scenario,
      target: s.target,
      p50: median(s.rounds.map((r) => r.p50)),
      p99: median(s.rounds.map((r) => r.p99)),
      addedP50Rounds,
      addedP99Rounds,
      addedP50: median(addedP50Rounds),
      addedP99: median(addedP99Rounds),
      baseline,
      rounds: s.rounds,
    };
  });
}

export function deriveThroughput(target: TargetId, rounds: ThroughputResult[]): DerivedThroughput {
  const rps = rounds.map((r) => r.rps);
  return {
    target,
    rounds,
    rps: median(rps),
    minRps: Math.min(...rps),
    maxRps: Math.max(...rps),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
  };
}

function verdict(metric: string, unit: Verdict['unit'], rcx: number, ref: number, comparison: Verdict['comparison'], target: number): Verdict {
  const ratio = rcx / ref;
  const pass = comparison === '<=' ? ratio <= target : ratio >= target;
  return { metric, routecodex: rcx, reference: ref, unit, ratio, comparison, target, pass };
}

export function deriveVerdicts(latency: DerivedLatency[], throughput: DerivedThroughput[]): Verdict[] {
  const added = (scenario: ScenarioId, target: TargetId): number =>
    latency.find((l) => l.scenario === scenario && l.target === target)?.addedP50 ?? Number.NaN;
  const rps = (target: TargetId): number => throughput.find((t) => t.target === target)?.rps ?? Number.NaN;
  return [
    verdict('passthrough added p50, non-streaming', 'ms', added('chat-json', 'routecodex'), added('chat-json', 'reference'), '<=', 1.5),
    verdict('passthrough added p50, streaming', 'ms', added('chat-stream', 'routecodex'), added('chat-stream', 'reference'), '<=', 1.5),
    verdict('throughput, non-streaming', 'req/s', rps('routecodex'), rps('reference'), '>=', 0.7),
    verdict('translated streaming added p50 (*)', 'ms', added('translated-stream', 'routecodex'), added('chat-stream', 'reference'), '<=', 2.5),
  ];
}
