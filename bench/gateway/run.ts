/**
 * `npm run bench [-- --rounds 7 --requests 400 --duration 3 --connections 64 --warmup 300 --cpu-prof DIR]`:
 * starts the fake upstream, the reference proxy and RouteCodex as separate child processes, measures
 * interleaved rounds of sequential latency and throughput, prints the tables and writes
 * `bench/results/<timestamp>.json`.
 */
import { readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Pool } from 'undici';
import { clientPool, readOnce, runSequential, runThroughput, type BenchRequest, type ThroughputResult } from './load.js';
import { installCleanupHandlers, startChild, stopAll, trackTempDir, type Child } from './processes.js';
import { formatReport, writeJson } from './report.js';
import {
  deriveLatency,
  deriveThroughput,
  deriveVerdicts,
  TARGETS,
  type BenchResults,
  type LatencySeries,
  type ScenarioId,
  type TargetId,
} from './results.js';
import { summarize } from './stats.js';
import { chat, REQUESTS, routecodexConfig } from './workload.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Options {
  rounds: number;
  requests: number;
  durationSeconds: number;
  connections: number;
  warmup: number;
  cpuProfDir: string | undefined;
  outDir: string;
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return n;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rounds: { type: 'string' },
      requests: { type: 'string' },
      duration: { type: 'string' },
      connections: { type: 'string' },
      warmup: { type: 'string' },
      'cpu-prof': { type: 'string' },
      out: { type: 'string' },
    },
  });
  return {
    rounds: Math.round(positive('rounds', values.rounds, 7)),
    requests: Math.round(positive('requests', values.requests, 400)),
    durationSeconds: positive('duration', values.duration, 3),
    connections: Math.round(positive('connections', values.connections, 64)),
    warmup: Math.round(positive('warmup', values.warmup, 300)),
    cpuProfDir: values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined,
    outDir: path.resolve(values.out ?? path.join(ROOT, 'bench/results')),
  };
}

async function startServers(opts: Options): Promise<Record<TargetId, Child>> {
  const tsx = path.join(ROOT, 'bin/run-ts.mjs');
  const direct = await startChild({
    name: 'fake upstream',
    cwd: ROOT,
    args: [tsx, 'bench/gateway/fake-upstream.ts', '--port', '0'],
    ready: /fake upstream listening on (http:\/\/\S+)\n/,
  });
  const reference = await startChild({
    name: 'reference proxy',
    cwd: ROOT,
    args: [tsx, 'bench/gateway/reference-proxy.ts', '--upstream', direct.url, '--port', '0'],
    ready: /reference proxy listening on (http:\/\/\S+)\n/,
  });
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'rcx-bench-'));
  trackTempDir(home);
  const configFile = path.join(home, 'bench-config.json');
  await fs.writeFile(configFile, JSON.stringify(routecodexConfig(direct.url), null, 2));
  const env: NodeJS.ProcessEnv = { ...process.env, ROUTECODEX_HOME: home };
  delete env.ROUTECODEX_CONFIG;
  const profFlags = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-interval', '100', '--cpu-prof-dir', opts.cpuProfDir] : [];
  const routecodex = await startChild({
    name: 'routecodex',
    cwd: ROOT,
    env,
    args: [...profFlags, path.join(ROOT, 'bin/routecodex.mjs'), 'start', '--config', configFile, '--port', '0'],
    ready: /routecodex listening on (http:\/\/\S+) /,
  });
  return { direct, reference, routecodex };
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Checks every target answers every scenario sensibly; returns the SSE event count of a direct stream. */
async function sanityCheck(pools: Record<TargetId, Pool>): Promise<number> {
  for (const [scenario, byTarget] of Object.entries(REQUESTS)) {
    for (const [target, req] of Object.entries(byTarget)) {
      const text = await readOnce(pools[target as TargetId], req);
      const expect = scenario === 'chat-json' ? '"chat.completion"' : scenario === 'chat-stream' ? '[DONE]' : 'message_stop';
      if (!text.includes(expect) || !text.includes('The quic')) {
        throw new Error(`sanity check failed for ${scenario} via ${target}: ${text.slice(0, 300)}`);
      }
    }
  }
  const stream = await readOnce(pools.direct, REQUESTS['chat-stream'].direct ?? chat('gpt-bench', true));
  return stream.split('\n\n').filter((e) => e.startsWith('data: ')).length;
}

interface StreamJob {
  scenario: ScenarioId;
  target: TargetId;
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  installCleanupHandlers();
  const startedAt = new Date().toISOString();
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  log('starting fake upstream, reference proxy and routecodex (child processes)...');
  const servers = await startServers(opts);
  const seqPools = {} as Record<TargetId, Pool>;
  const loadPools = {} as Record<TargetId, Pool>;
  for (const t of TARGETS) {
    seqPools[t] = clientPool(servers[t].url, 1);
    loadPools[t] = clientPool(servers[t].url, opts.connections);
  }
  try {
    const sseEvents = await sanityCheck(seqPools);
    const jsonJobs: StreamJob[] = TARGETS.map((target) => ({ scenario: 'chat-json', target }));
    const streamJobs: StreamJob[] = [
      ...TARGETS.map((target): StreamJob => ({ scenario: 'chat-stream', target })),
      { scenario: 'translated-stream', target: 'routecodex' },
    ];
    log(`warm-up: ${opts.warmup} requests per series, 1 s of load per target`);
    for (const job of [...jsonJobs, ...streamJobs]) {
      const req = REQUESTS[job.scenario][job.target];
      if (req) await runSequential(seqPools[job.target], req, opts.warmup);
    }
    for (const t of TARGETS) await runThroughput(loadPools[t], REQUESTS['chat-json'][t] ?? chat('gpt-bench', false), opts.connections, 1_000);

    const series: LatencySeries[] = [...jsonJobs, ...streamJobs].map((j) => ({ ...j, rounds: [] }));
    const throughput: Record<TargetId, ThroughputResult[]> = { direct: [], reference: [], routecodex: [] };
    for (let r = 0; r < opts.rounds; r++) {
      for (const job of [...rotate(jsonJobs, r), ...rotate(streamJobs, r)]) {
        const req = REQUESTS[job.scenario][job.target];
        const s = series.find((x) => x.scenario === job.scenario && x.target === job.target);
        if (!req || !s) continue;
        s.rounds.push(summarize(await runSequential(seqPools[job.target], req, opts.requests)));
      }
      for (const t of rotate(TARGETS, r)) {
        throughput[t].push(await runThroughput(loadPools[t], REQUESTS['chat-json'][t] ?? chat('gpt-bench', false), opts.connections, opts.durationSeconds * 1000));
      }
      const p50 = (sc: ScenarioId, t: TargetId): string => series.find((x) => x.scenario === sc && x.target === t)?.rounds[r]?.p50.toFixed(3) ?? '-';
      log(
        `round ${r + 1}/${opts.rounds}: json p50 ${TARGETS.map((t) => `${t} ${p50('chat-json', t)}`).join(', ')} ms | ` +
          `translated p50 ${p50('translated-stream', 'routecodex')} ms | rps ${TARGETS.map((t) => `${t} ${Math.round(throughput[t][r]?.rps ?? 0)}`).join(', ')}`,
      );
    }

    const latency = deriveLatency(series);
    const tput = TARGETS.map((t) => deriveThroughput(t, throughput[t]));
    const results: BenchResults = {
      startedAt,
      finishedAt: new Date().toISOString(),
      setup: {
        node: process.version,
        cpu: cpuModel(),
        cores: os.availableParallelism(),
        loadAverageAtStart: os.loadavg(),
        rounds: opts.rounds,
        requestsPerRound: opts.requests,
        warmupRequests: opts.warmup,
        connections: opts.connections,
        durationSeconds: opts.durationSeconds,
        sseEventsPerStream: sseEvents,
      },
      latency,
      throughput: tput,
      verdicts: deriveVerdicts(latency, tput),
      notes: [
        '(*) the reference proxy cannot translate: its figure for the translated pair is its streaming passthrough added latency;',
        '    the translated pair\'s baseline is the direct streaming OpenAI chat request (what RouteCodex sends upstream).',
      ],
    };
    process.stdout.write(`\n${formatReport(results)}\n`);
    log(`\nresults written to ${path.relative(ROOT, await writeJson(opts.outDir, results))}`);
  } finally {
    await Promise.all(TARGETS.flatMap((t) => [seqPools[t].destroy(), loadPools[t].destroy()]));
    await stopAll();
    if (opts.cpuProfDir) log(`cpu profile of the routecodex child written under ${opts.cpuProfDir}`);
  }
}

function cpuModel(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1]) return m[1].trim();
  } catch {
    // not Linux
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

try {
  await main();
} catch (e) {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? String(e)}\n`);
  await stopAll(2_000);
  process.exitCode = 1;
}
