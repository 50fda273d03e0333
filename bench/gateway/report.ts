/** Formats the results as plain-text tables, and writes them as JSON. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { SCENARIO_LABELS, type BenchResults, type DerivedLatency, type ScenarioId } from './results.js';

function table(rows: string[][], rightAlignFrom = 1): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) => row.map((cell, i) => (i >= rightAlignFrom ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd())
    .join('\n');
}

const ms = (v: number): string => (Number.isFinite(v) ? v.toFixed(3) : '-');
const num = (v: number): string => (Number.isFinite(v) ? Math.round(v).toString() : '-');

function latencyRows(latency: DerivedLatency[]): string[][] {
  const rows: string[][] = [['scenario', 'target', 'p50', 'p99', 'added p50', 'added p99']];
  const scenarios: ScenarioId[] = ['chat-json', 'chat-stream', 'translated-stream'];
  for (const scenario of scenarios) {
    const inScenario = latency.filter((l) => l.scenario === scenario);
    inScenario.forEach((l, i) => {
      const isDirect = l.target === 'direct';
      rows.push([
        i === 0 ? SCENARIO_LABELS[scenario] : '',
        l.target,
        ms(l.p50),
        ms(l.p99),
        isDirect ? '-' : ms(l.addedP50),
        isDirect ? '-' : ms(l.addedP99),
      ]);
    });
    if (scenario === 'translated-stream') {
      const ref = latency.find((l) => l.scenario === 'chat-stream' && l.target === 'reference');
      const direct = latency.find((l) => l.scenario === 'chat-stream' && l.target === 'direct');
      if (direct) rows.push(['', 'direct (*)', ms(direct.p50), ms(direct.p99), '-', '-']);
      if (ref) rows.push(['', 'reference (*)', ms(ref.p50), ms(ref.p99), ms(ref.addedP50), ms(ref.addedP99)]);
    }
  }
  return rows;
}

export function formatReport(r: BenchResults): string {
  const s = r.setup;
  const out: string[] = [];
  out.push(`RouteCodex gateway benchmark — ${r.startedAt}`);
  out.push(
    `setup: node ${s.node} | ${s.cpu} | ${s.cores} cores | load avg at start ${s.loadAverageAtStart.map((v) => v.toFixed(2)).join(' ')}`,
  );
  out.push(
    `       ${s.rounds} interleaved rounds (rotating order) | ${s.requestsPerRound} sequential requests per series per round (1 connection) | ` +
      `${s.warmupRequests} warm-up | throughput ${s.connections} connections x ${s.durationSeconds} s per round | ${s.sseEventsPerStream} SSE events per stream`,
  );
  out.push('');
  out.push(`Sequential latency, ms (median across rounds of the per-round p50 / p99; added = target minus direct, same round)`);
  out.push(table(latencyRows(r.latency), 2));
  out.push('');
  out.push(`Throughput, non-streaming chat (median across rounds)`);
  out.push(
    table(
      [
        ['target', 'req/s', 'min', 'max', 'errors'],
        ...r.throughput.map((t) => [t.target, num(t.rps), num(t.minRps), num(t.maxRps), String(t.errors)]),
      ],
      1,
    ),
  );
  out.push('');
  out.push('RouteCodex vs the reference proxy (same run)');
  out.push(
    table(
      [
        ['metric', 'routecodex', 'reference', 'ratio', 'target', 'result'],
        ...r.verdicts.map((v) => [
          v.metric,
          `${v.unit === 'ms' ? ms(v.routecodex) : num(v.routecodex)} ${v.unit}`,
          `${v.unit === 'ms' ? ms(v.reference) : num(v.reference)} ${v.unit}`,
          `${v.ratio.toFixed(2)}x`,
          `${v.comparison} ${v.target}x`,
          v.pass ? 'PASS' : 'MISS',
        ]),
      ],
      1,
    ),
  );
  for (const note of r.notes) out.push(note);
  return out.join('\n');
}

/** Writes `<dir>/<timestamp>.json`; returns the file path. */
export async function writeJson(dir: string, r: BenchResults): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const file = path.join(dir, `${r.startedAt.replace(/[:.]/g, '-')}.json`);
  await fs.writeFile(file, `${JSON.stringify(r, null, 2)}\n`);
  return file;
}
