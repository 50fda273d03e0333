/**
 * Every key the Redis store writes, under one prefix (`manager.redisKeyPrefix`), so several deployments
 * (or test runs) share a server without meeting: `<prefix>health:<providerKey>`, `<prefix>health-events`,
 * `<prefix>session:<id>`, `<prefix>lock:<name>`, `<prefix>fence:<name>`, `<prefix>counter:<name>`,
 * `<prefix>window:<name>`, and the pub/sub channel `<prefix>events`.
 */
import type { Redis } from 'ioredis';

export class RedisKeys {
  constructor(readonly prefix: string) {}

  health(providerKey: string): string {
    return `${this.prefix}health:${providerKey}`;
  }
  get healthEvents(): string {
    return `${this.prefix}health-events`;
  }
  session(sessionId: string): string {
    return `${this.prefix}session:${sessionId}`;
  }
  lock(name: string): string {
    return `${this.prefix}lock:${name}`;
  }
  fence(name: string): string {
    return `${this.prefix}fence:${name}`;
  }
  counter(name: string): string {
    return `${this.prefix}counter:${name}`;
  }
  window(name: string): string {
    return `${this.prefix}window:${name}`;
  }
  get channel(): string {
    return `${this.prefix}events`;
  }

  /** A SCAN pattern for every key that starts with `head` (the prefix's glob characters escaped). */
  pattern(head: string): string {
    return `${head.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
  }
}

/** Every key matching `pattern`, in batches (SCAN: never blocks the server like KEYS would). */
export async function* scanKeys(client: Redis, pattern: string, count = 500): AsyncGenerator<string[]> {
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', count);
    cursor = next;
    if (keys.length > 0) yield keys;
  } while (cursor !== '0');
}
