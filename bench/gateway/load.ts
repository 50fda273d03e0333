/**
 * The load generator on undici: a sequential client (one connection, one request at a time, time to the
 * last byte) and a throughput client (N connections, N concurrent request loops for a fixed duration).
 */
import { Pool } from 'undici';
import { nsToMs } from './stats.js';

export interface BenchRequest {
  path: string;
  /** Pre-serialized JSON body. */
  body: string;
}

export function clientPool(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 60_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
}

const HEADERS = { 'content-type': 'application/json' };

/** Sends one request and reads the body to its last byte; throws on a non-200 status. Returns bytes read. */
export async function sendOnce(pool: Pool, req: BenchRequest): Promise<number> {
  const res = await pool.request({ method: 'POST', path: req.path, headers: HEADERS, body: req.body });
  let bytes = 0;
  for await (const chunk of res.body) bytes += (chunk as Buffer).length;
  if (res.statusCode !== 200) throw new Error(`POST ${req.path} answered ${res.statusCode}`);
  return bytes;
}

/** `n` requests one after another; returns each one's time to the last byte in ms. */
export async function runSequential(pool: Pool, req: BenchRequest, n: number): Promise<number[]> {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    await sendOnce(pool, req);
    out[i] = nsToMs(process.hrtime.bigint() - t0);
  }
  return out;
}

export interface ThroughputResult {
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
}

/** `concurrency` loops sending back-to-back requests over `pool` until `durationMs` has passed. */
export async function runThroughput(pool: Pool, req: BenchRequest, concurrency: number, durationMs: number): Promise<ThroughputResult> {
  const t0 = process.hrtime.bigint();
  const deadline = t0 + BigInt(Math.round(durationMs * 1e6));
  let requests = 0;
  let errors = 0;
  const loop = async (): Promise<void> => {
    while (process.hrtime.bigint() < deadline) {
      try {
        await sendOnce(pool, req);
        requests++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const seconds = nsToMs(process.hrtime.bigint() - t0) / 1000;
  return { requests, errors, seconds, rps: requests / seconds };
}

/** One request, its body as text (for sanity checks); throws on a non-200 status. */
export async function readOnce(pool: Pool, req: BenchRequest): Promise<string> {
  const res = await pool.request({ method: 'POST', path: req.path, headers: HEADERS, body: req.body });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`POST ${req.path} answered ${res.statusCode}: ${text.slice(0, 300)}`);
  return text;
}
