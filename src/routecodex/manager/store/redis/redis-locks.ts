/**
 * Named leases in Redis: `<prefix>lock:<name>` holds the holder as JSON, set with `SET … NX PX ttl`
 * (whoever sets it holds it; Redis itself expires a holder that stopped renewing, so a dead or silent
 * holder is taken over once its ttl passes). The fence comes from `INCR <prefix>fence:<name>`, drawn in
 * the same script only when the key is free, so every new holder gets a larger fence and none is wasted.
 * Renew and release compare the token first (Lua): a holder that lost its lease cannot extend or delete
 * the new holder's. `holder()` is undefined once the key expired.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { Lease, LeaseHolder, LeaseLocks } from '../types.js';
import type { RedisLink } from './connection.js';
import type { RedisKeys } from './keys.js';
import { safeJson } from './redis-health.js';

/** KEYS: lock, fence. ARGV: holder JSON up to `"fence":`, ttl. Returns the fence, or 0 when held. */
const ACQUIRE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. fence .. '}', 'NX', 'PX', ARGV[2])
return fence
`;

/** KEYS: lock. ARGV: token, heartbeatAt, ttl. 1 when renewed. */
const RENEW_LUA = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
local holder = cjson.decode(raw)
if holder.token ~= ARGV[1] then return 0 end
local head = string.gsub(raw, '"heartbeatAt":%d+', '"heartbeatAt":' .. ARGV[2], 1)
redis.call('SET', KEYS[1], head, 'PX', ARGV[3])
return 1
`;

/** KEYS: lock. ARGV: token. 1 when released. */
const RELEASE_LUA = `
local raw = redis.call('GET', KEYS[1])
if not raw then return 0 end
if cjson.decode(raw).token ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])
`;

const holderSchema = z.object({
  ownerId: z.string(),
  pid: z.number().int(),
  hostname: z.string(),
  acquiredAt: z.number(),
  heartbeatAt: z.number(),
  token: z.string(),
  fence: z.number().int().positive(),
});

export class RedisLeaseLocks implements LeaseLocks {
  private readonly host = os.hostname();

  constructor(
    private readonly link: RedisLink,
    private readonly keys: RedisKeys,
    private readonly clock: Clock,
  ) {}

  async acquire(name: string, ownerId: string, ttlMs: number): Promise<Lease | undefined> {
    const now = Math.round(this.clock.now());
    const token = randomBytes(16).toString('hex');
    // Field order matters: RENEW_LUA rewrites heartbeatAt in place; the fence is appended by ACQUIRE_LUA.
    const head = `{"ownerId":${JSON.stringify(ownerId)},"pid":${process.pid},"hostname":${JSON.stringify(this.host)},"acquiredAt":${now},"heartbeatAt":${now},"token":"${token}","fence":`;
    const fence = Number(await this.link.run('lock acquire', (c) => c.eval(ACQUIRE_LUA, 2, this.keys.lock(name), this.keys.fence(name), head, String(ttl(ttlMs)))));
    if (!fence) return undefined;
    return { name, token, holder: { ownerId, pid: process.pid, hostname: this.host, acquiredAt: now, heartbeatAt: now, fence } };
  }

  async renew(lease: Lease, ttlMs: number): Promise<boolean> {
    const now = Math.round(this.clock.now());
    const kept = Number(await this.link.run('lock renew', (c) => c.eval(RENEW_LUA, 1, this.keys.lock(lease.name), lease.token, String(now), String(ttl(ttlMs)))));
    if (kept === 1) lease.holder.heartbeatAt = now;
    return kept === 1;
  }

  async release(lease: Lease): Promise<void> {
    await this.link.run('lock release', (c) => c.eval(RELEASE_LUA, 1, this.keys.lock(lease.name), lease.token));
  }

  async holder(name: string): Promise<LeaseHolder | undefined> {
    const raw = await this.link.run('lock holder', (c) => c.get(this.keys.lock(name)));
    const parsed = raw === null ? undefined : safeJson(raw, holderSchema);
    if (!parsed) return undefined;
    const { token: _token, ...holder } = parsed;
    return holder;
  }
}

function ttl(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}
