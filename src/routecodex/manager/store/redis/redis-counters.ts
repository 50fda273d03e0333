/**
 * Counters every instance shares: `next` is `INCR <prefix>counter:<name>` minus one, `reserve` an INCRBY
 * (a block of round-robin positions handed out locally, see manager/routing/shared-rotation.ts), and
 * `hitWindow` a sliding window in a sorted set — drop the hits older than the window, add this one,
 * count, set the key to expire with the window — in one MULTI. A hit over `limit` is taken back
 * (ZREM), so refused requests never keep a key's window full.
 */
import { randomBytes } from 'node:crypto';
import type { Counters } from '../types.js';
import type { RedisLink } from './connection.js';
import type { RedisKeys } from './keys.js';
import { checkExec } from './redis-health.js';

export class RedisCounters implements Counters {
  private readonly tag = randomBytes(6).toString('hex');
  private serial = 0;

  constructor(
    private readonly link: RedisLink,
    private readonly keys: RedisKeys,
  ) {}

  async next(name: string): Promise<number> {
    return (await this.link.run('counter next', (c) => c.incr(this.keys.counter(name)))) - 1;
  }

  async reserve(name: string, count: number): Promise<number> {
    return (await this.link.run('counter reserve', (c) => c.incrby(this.keys.counter(name), count))) - count;
  }

  async hitWindow(name: string, windowMs: number, now: number, limit?: number): Promise<number> {
    const key = this.keys.window(name);
    const member = `${now}:${this.tag}:${this.serial++}`;
    return this.link.run('counter window', async (c) => {
      const replies = checkExec(
        await c.multi().zremrangebyscore(key, '-inf', now - windowMs).zadd(key, now, member).zcard(key).pexpire(key, Math.max(1, Math.ceil(windowMs))).exec(),
      );
      const count = Number(replies[2]);
      if (limit !== undefined && count > limit) await c.zrem(key, member);
      return count;
    });
  }
}
