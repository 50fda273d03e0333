/**
 * Redis for the store tests: the shared server (127.0.0.1:6379, started by `.ci/run` when missing; never
 * killed here), a unique key prefix per test with a cleanup that deletes every key under it, and a
 * throw-away `redis-server` on a spare port for the tests that kill and restart Redis.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { Redis } from 'ioredis';
import type { Clock } from '../../../src/shared/clock.js';
import type { Logger } from '../../../src/shared/logger.js';
import { RedisManagerStore } from '../../../src/routecodex/manager/store/redis/redis-store.js';
import { MANAGER } from './support.js';

export const SHARED_REDIS_URL = process.env.ROUTECODEX_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function uniquePrefix(tag: string): string {
  return `rcx-test:${tag}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** Every key under `prefix` on `url`, deleted; resolves with how many there were. */
export async function dropPrefix(prefix: string, url = SHARED_REDIS_URL): Promise<number> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    let cursor = '0';
    let dropped = 0;
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) dropped += await client.del(...keys);
    } while (cursor !== '0');
    return dropped;
  } finally {
    client.disconnect();
  }
}

/** A plain client for assertions on what the store wrote. */
export async function rawClient(url = SHARED_REDIS_URL): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
  return client;
}

export async function openRedisStore(
  prefix: string,
  clock: Clock,
  logger: Logger,
  manager: Partial<typeof MANAGER> & { redisUrl?: string } = {},
): Promise<RedisManagerStore> {
  return RedisManagerStore.open({
    manager: { ...MANAGER, redisUrl: SHARED_REDIS_URL, redisKeyPrefix: prefix, ...manager },
    clock,
    logger,
  });
}

/** A spare TCP port on 127.0.0.1 (bound, then released). */
export async function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

export interface OwnRedis {
  port: number;
  url: string;
  /** SIGKILLs the server and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port (empty: no persistence) and waits until it answers. */
  start(): Promise<void>;
}

/** A throw-away `redis-server` of this test (no persistence), on a spare port. */
export async function startOwnRedis(): Promise<OwnRedis> {
  const port = await sparePort();
  let proc: ChildProcess | undefined;
  const own: OwnRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async kill() {
      const p = proc;
      proc = undefined;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
      p.kill('SIGKILL');
      await exited;
    },
    async start() {
      proc = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
      await untilAnswers(port, 5_000);
    },
  };
  await own.start();
  return own;
}

async function untilAnswers(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') return;
    } catch {
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 25));
    } finally {
      client.disconnect();
    }
  }
}

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function until<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs = 5_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
