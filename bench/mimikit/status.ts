/**
 * `npm run bench:mimikit [-- --seconds 10 --concurrency 8 --workers 20]`: `/api/status` latency of a real
 * mimikit process (the CLI: supervisor + runtime + HTTP) while 20 workers stream slowly from the fake
 * upstream (through a real RouteCodex, both in this process). Prints p50/p90/p99/max, idle and loaded.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { percentile } from '../gateway/stats.js';
import { startHarness } from '../../test/mimikit/harness.js';
import { startMimikit } from '../../test/mimikit/browser/support.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '10' }, concurrency: { type: 'string', default: '8' }, workers: { type: 'string', default: '20' } },
});
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const WORKERS = Number(values.workers);
const CHUNK_DELAY_MS = 50;

interface Status {
  runtimeId: string;
  tasks: { running: number };
}

/** `concurrency` loops of GET /api/status over keep-alive connections for `seconds`; latencies in ms. */
async function measure(url: string, seconds: number, concurrency: number): Promise<number[]> {
  const pool = new Pool(url, { connections: concurrency });
  const samples: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await pool.request({ path: '/api/status', method: 'GET' });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`/api/status answered ${res.statusCode}`);
        samples.push(performance.now() - t0);
      }
    }),
  );
  await pool.close();
  return samples;
}

function row(label: string, samples: number[], seconds: number): string {
  const f = (n: number) => n.toFixed(2).padStart(8);
  return `${label.padEnd(26)}${String(samples.length).padStart(8)}${(samples.length / seconds).toFixed(0).padStart(9)}${f(percentile(samples, 50))}${f(percentile(samples, 90))}${f(percentile(samples, 99))}${f(Math.max(...samples))}`;
}

async function status(url: string): Promise<Status> {
  return (await (await fetch(`${url}/api/status`)).json()) as Status;
}

async function main(): Promise<void> {
  const h = await startHarness();
  const streamMs = (SECONDS + 20) * 1000;
  const text = 'streaming slowly '.repeat(Math.ceil((streamMs / CHUNK_DELAY_MS) * 4 / 17)).slice(0, (streamMs / CHUNK_DELAY_MS) * 4);
  const actions = Array.from({ length: WORKERS }, (_, i) => `<M:create_task prompt="BENCH-WORKER job ${i}" title="Bench ${i}" profile="standard"/>`).join('\n');
  h.script([
    { match: { contains: 'BENCH-WORKER' }, reply: { text, chunkSize: 4, chunkDelayMs: CHUNK_DELAY_MS } },
    { match: { contains: 'START-BENCH' }, times: 1, reply: { text: `Starting ${WORKERS} jobs.\n${actions}` } },
    { reply: { text: 'Noted.' } },
  ]);
  const config = `idle:\n  afterMs: 3600000\nworker:\n  maxConcurrent: ${WORKERS}\n  retry:\n    maxAttempts: 1\n    backoffMs: 10\n`;
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-bench-'));
  const mk = await startMimikit({ workDir, llmBaseUrl: `${h.gateway.url}/v1`, configYaml: config });
  try {
    await measure(mk.url, 1, CONCURRENCY); // warm-up
    const idle = await measure(mk.url, Math.min(SECONDS, 5), CONCURRENCY);

    const res = await fetch(`${mk.url}/api/input`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'START-BENCH' }) });
    if (res.status !== 200) throw new Error(`POST /api/input answered ${res.status}`);
    const deadline = Date.now() + 30_000;
    while ((await status(mk.url)).tasks.running < WORKERS) {
      if (Date.now() > deadline) throw new Error(`only ${(await status(mk.url)).tasks.running} of ${WORKERS} workers running after 30 s`);
      await new Promise((r) => setTimeout(r, 100)); // polling the thing being measured is fine in a benchmark
    }
    const loaded = await measure(mk.url, SECONDS, CONCURRENCY);
    const stillRunning = (await status(mk.url)).tasks.running;

    process.stdout.write(`\nmimikit /api/status latency (ms), ${CONCURRENCY} concurrent clients, keep-alive\n`);
    process.stdout.write(`${'scenario'.padEnd(26)}${'requests'.padStart(8)}${'req/s'.padStart(9)}${'p50'.padStart(8)}${'p90'.padStart(8)}${'p99'.padStart(8)}${'max'.padStart(8)}\n`);
    process.stdout.write(`${row('idle runtime', idle, Math.min(SECONDS, 5))}\n`);
    process.stdout.write(`${row(`${WORKERS} streaming workers`, loaded, SECONDS)}\n`);
    process.stdout.write(`(${stillRunning} workers were still streaming at the end; fake upstream: ${CHUNK_DELAY_MS} ms between 4-character deltas)\n`);
    if (stillRunning < WORKERS) process.stdout.write('warning: some workers finished before the measurement ended\n');
  } finally {
    await mk.stop();
    await h.close();
    await fs.rm(workDir, { recursive: true, force: true });
  }
}

await main();
