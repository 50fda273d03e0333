/**
 * Session routing states in Redis: `<prefix>session:<id>` holds `{version: 1, sessionId, expiresAt,
 * state}` (the file store's shape) with a TTL of `sessionTtlMs`, renewed by every write. Each write and
 * removal publishes a notice in the same transaction. Redis expires states by itself; `sweep` removes
 * those whose recorded `expiresAt` passed (compare-and-delete, so a state renewed meanwhile stays).
 */
import { z } from 'zod';
import type { Clock } from '../../../../shared/clock.js';
import type { Logger } from '../../../../shared/logger.js';
import { sessionRoutingStateSchema, type SessionRoutingState } from '../../../router/session/state.js';
import type { SessionPersistence } from '../types.js';
import type { RedisLink } from './connection.js';
import { scanKeys, type RedisKeys } from './keys.js';
import type { RedisNotices } from './pubsub.js';
import { checkExec, safeJson } from './redis-health.js';

const sessionValueSchema = z
  .object({ version: z.literal(1), sessionId: z.string().min(1), expiresAt: z.number(), state: sessionRoutingStateSchema })
  .strict();

/** Deletes KEYS[1] only if it still holds ARGV[1]. */
const DELETE_IF_UNCHANGED_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisSessionsOptions {
  link: RedisLink;
  keys: RedisKeys;
  notices: RedisNotices;
  clock: Clock;
  logger: Logger;
}

export class RedisSessionPersistence implements SessionPersistence {
  private readonly listeners = new Set<(sessionId: string) => void>();

  constructor(private readonly o: RedisSessionsOptions) {
    o.notices.handle('session', (sessionId) => {
      for (const l of [...this.listeners]) l(sessionId);
    });
  }

  async get(sessionId: string, now: number): Promise<SessionRoutingState | undefined> {
    const key = this.o.keys.session(sessionId);
    const raw = await this.o.link.run('session get', (client) => client.get(key));
    if (raw === null) return undefined;
    const value = safeJson(raw, sessionValueSchema);
    if (!value) {
      this.o.logger.error({ key }, 'redis: session state does not match the schema; treated as no state');
      return undefined;
    }
    return value.sessionId === sessionId && value.expiresAt > now ? value.state : undefined;
  }

  async put(state: SessionRoutingState, ttlMs: number): Promise<void> {
    const { link, keys, notices, clock } = this.o;
    const value = JSON.stringify({ version: 1, sessionId: state.sessionId, expiresAt: clock.now() + ttlMs, state });
    await link.run('session put', (client) =>
      client.multi().set(keys.session(state.sessionId), value, 'PX', ttlMs).publish(keys.channel, notices.message('session', state.sessionId)).exec().then(checkExec),
    );
  }

  async remove(sessionId: string): Promise<void> {
    const { link, keys, notices } = this.o;
    await link.run('session remove', (client) => client.multi().del(keys.session(sessionId)).publish(keys.channel, notices.message('session', sessionId)).exec().then(checkExec));
  }

  async sweep(now: number): Promise<number> {
    const { link, keys } = this.o;
    return link.run('session sweep', async (client) => {
      let removed = 0;
      for await (const batch of scanKeys(client, keys.pattern(keys.session('')))) {
        const values = await client.mget(...batch);
        for (let i = 0; i < batch.length; i++) {
          const raw = values[i];
          const value = raw ? safeJson(raw, sessionValueSchema) : undefined;
          if (!raw || !value || value.expiresAt > now) continue;
          removed += Number(await client.eval(DELETE_IF_UNCHANGED_LUA, 1, batch[i]!, raw));
        }
      }
      return removed;
    });
  }

  subscribe(listener: (sessionId: string) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}
