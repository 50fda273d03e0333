/**
 * `npm run bench:mimikit:orchestration [-- --rounds 200 --warmup 20 --stream-rounds 3]`: the runtime's own
 * overhead, with the fake upstream at 0 ms latency behind a real RouteCodex (both in this process; the
 * runtime reaches RouteCodex over loopback HTTP through its LlmClient).
 * (a) input accepted (`addInput` resolved) → the manager's model call starts (the runtime calls its
 *     ChatModel) and → that request arrives at the fake upstream (+ LlmClient and RouteCodex);
 * (b) task enqueued (its `pending` event, published right before the enqueue) → worker started (`running`
 *     event, emitted by `onStart`);
 * (c) `status()` while 20 workers stream (200 SSE chunks each, 8 ms apart): the call itself, and a read
 *     scheduled every 5 ms → answered (event-loop wait included, what a GET /api/status would see).
 * Prints a table and the setup; writes `bench/results/mimikit-orchestration-<time>.json`.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { summarize, type LatencySummary } from '../gateway/stats.js';
import type { RuntimeEvent } from '../../src/mimikit/orchestrator/index.js';
import { startBenchEnv, whenEvent } from './orchestration-setup.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '200' },
    warmup: { type: 'string', default: '20' },
    'stream-rounds': { type: 'string', default: '3' },
    out: { type: 'string', default: path.resolve(import.meta.dirname, '../results') },
  },
});
const ROUNDS = Number(values.rounds);
const WARMUP = Number(values.warmup);
const STREAM_ROUNDS = Number(values['stream-rounds']);
const WORKERS = 20;

interface Samples {
  addInput: number[];
  toModelCall: number[];
  toUpstream: number[];
  enqueueToStart: number[];
  statusIdle: number[];
  statusCall: number[];
  statusRead: number[];
}
const samples: Samples = { addInput: [], toModelCall: [], toUpstream: [], enqueueToStart: [], statusIdle: [], statusCall: [], statusRead: [] };

/** (a) and (b): one input per round; the manager creates one task; the round ends when its result is answered. */
async function inputRounds(): Promise<void> {
  const env = await startBenchEnv((c) => (c.worker.maxConcurrent = 3));
  const rules = [
    { match: { contains: '<M:results>' }, reply: { text: 'Noted.' } },
    { match: { contains: '<M:inputs>' }, reply: { text: 'On it.\n<M:create_task prompt="BENCH work item" title="Bench" profile="standard"/>' } },
    { reply: { text: 'done' } },
  ];
  try {
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      env.fake.reset();
      env.fake.setScript({ rules });
      let callAt: number | undefined;
      let upstreamAt: number | undefined;
      let pendingAt: number | undefined;
      let runningAt: number | undefined;
      let replies = 0;
      env.model.onCall = (req, at) => void (callAt ??= req.sessionId.startsWith('mimikit-manager') ? at : undefined);
      void env.fake.waitForRequests(1, 20_000).then(() => (upstreamAt = performance.now()));
      const off = env.runtime.events.subscribe(undefined, (e: RuntimeEvent) => {
        if (e.kind === 'task' && e.task.kind === 'task' && e.task.status === 'pending') pendingAt ??= performance.now();
        if (e.kind === 'task' && e.task.status === 'running') runningAt ??= performance.now();
        if (e.kind === 'message' && e.message.role === 'agent') replies++;
      });
      const t0 = performance.now();
      await env.runtime.addInput({ text: `bench input ${round}` });
      const accepted = performance.now();
      await whenEvent(env, () => replies >= 2 && env.runtime.status().agentStatus === 'idle', `round ${round}`);
      off();
      if (round < WARMUP) continue;
      if (callAt === undefined || upstreamAt === undefined || pendingAt === undefined || runningAt === undefined) throw new Error(`round ${round}: a timestamp is missing`);
      samples.addInput.push(accepted - t0);
      samples.toModelCall.push(callAt - accepted);
      samples.toUpstream.push(upstreamAt - accepted);
      samples.enqueueToStart.push(runningAt - pendingAt);
    }
    for (let i = 0; i < 2_000; i++) {
      const t = performance.now();
      env.runtime.status();
      samples.statusIdle.push(performance.now() - t);
    }
  } finally {
    env.model.onCall = undefined;
    await env.close();
  }
}

/** (c): 20 tasks stream slowly at once; status is read every 5 ms until they finish. */
async function streamingRounds(): Promise<void> {
  const env = await startBenchEnv((c) => {
    c.worker.maxConcurrent = WORKERS;
    c.manager.taskWindow.maxCount = 50;
  });
  const creates = Array.from({ length: WORKERS }, (_, k) => `<M:create_task prompt="STREAM job ${k}" title="Stream ${k}" profile="standard"/>`).join('\n');
  env.fake.setScript({
    rules: [
      { match: { contains: '<M:results>' }, reply: { text: 'Noted.' } },
      { match: { contains: 'STREAM job' }, reply: { text: 'x'.repeat(1_600), chunkSize: 8, chunkDelayMs: 8 } },
      { reply: { text: 'Noted.' } },
    ],
  });
  try {
    for (let round = 0; round < STREAM_ROUNDS; round++) {
      // Once, for the batch holding this round's input (earlier inputs stay in the recent history).
      env.fake.addRules({ match: { contains: `streaming round ${round}.` }, times: 1, reply: { text: `Starting ${WORKERS} jobs.\n${creates}` } });
      await env.runtime.addInput({ text: `start ${WORKERS} jobs, streaming round ${round}.` });
      await whenEvent(env, () => env.runtime.status().tasks.running === WORKERS, `${WORKERS} running workers`);
      await new Promise<void>((resolve) => {
        const tick = (scheduled: number) => {
          const start = performance.now();
          const status = env.runtime.status();
          const end = performance.now();
          samples.statusCall.push(end - start);
          samples.statusRead.push(end - scheduled);
          if (status.tasks.running < WORKERS) return resolve();
          const next = performance.now();
          setTimeout(() => tick(next + 5), 5);
        };
        const first = performance.now();
        setTimeout(() => tick(first + 5), 5);
      });
      await whenEvent(env, () => env.runtime.status().agentStatus === 'idle' && env.runtime.status().tasks.running === 0, 'the streaming round to end', 60_000);
    }
  } finally {
    await env.close();
  }
}

const startedAt = new Date().toISOString();
const load = os.loadavg();
await inputRounds();
await streamingRounds();

const us = (s: LatencySummary) => `${(s.p50 * 1000).toFixed(1)} µs`.padStart(11) + `${(s.p99 * 1000).toFixed(1)} µs`.padStart(12);
const ms = (s: LatencySummary) => `${s.p50.toFixed(2)} ms`.padStart(11) + `${s.p99.toFixed(2)} ms`.padStart(12);
const rows: Array<[string, keyof Samples, (s: LatencySummary) => string]> = [
  ['(a) input accepted → manager model call starts', 'toModelCall', ms],
  ['(a) input accepted → request reaches the upstream', 'toUpstream', ms],
  ['(b) task enqueued → worker started (onStart)', 'enqueueToStart', ms],
  ['(c) status() call, 20 workers streaming', 'statusCall', us],
  ['(c) status read every 5 ms → answered (loop wait incl.)', 'statusRead', ms],
  ['    status() call, idle runtime', 'statusIdle', us],
  ['    addInput (validate + fsynced append)', 'addInput', ms],
];
const cpu = os.cpus();
const setup = {
  node: process.version,
  cpu: `${cpu[0]?.model ?? 'unknown'} × ${cpu.length}`,
  os: `${os.type()} ${os.release()}`,
  loadAverageAtStart: load.map((l) => Number(l.toFixed(2))),
  upstream: 'fake upstream, 0 ms latency, behind a real RouteCodex (in process, loopback HTTP)',
  rounds: ROUNDS,
  warmup: WARMUP,
  streamRounds: STREAM_ROUNDS,
  workers: WORKERS,
};
const results = Object.fromEntries(rows.map(([, key]) => [key, summarize(samples[key])]));
const lines = [
  `mimikit orchestration overhead — ${setup.node}, ${setup.cpu}, ${setup.os}, load ${setup.loadAverageAtStart.join(' ')}`,
  `${setup.upstream}; ${ROUNDS} rounds (+${WARMUP} warm-up) for (a)/(b); ${STREAM_ROUNDS} rounds of ${WORKERS} streaming workers for (c)`,
  '',
  `${'metric'.padEnd(58)}${'p50'.padStart(11)}${'p99'.padStart(12)}${'n'.padStart(8)}`,
  ...rows.map(([label, key, fmt]) => `${label.padEnd(58)}${fmt(results[key] as LatencySummary)}${String(samples[key].length).padStart(8)}`),
];
process.stdout.write(`${lines.join('\n')}\n`);
await fs.mkdir(values.out, { recursive: true });
const file = path.join(values.out, `mimikit-orchestration-${startedAt.replace(/[:.]/g, '-')}.json`);
await fs.writeFile(file, `${JSON.stringify({ benchmark: 'mimikit-orchestration', startedAt, setup, results }, null, 2)}\n`);
process.stdout.write(`\nwrote ${path.relative(process.cwd(), file)}\n`);
