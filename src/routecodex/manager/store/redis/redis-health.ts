/**
 * Health persistence in Redis: one key per providerKey (`<prefix>health:<providerKey>`, the record as
 * JSON) whose TTL is the record's relevance, so nothing stale outlives its deadline. Saves go through
 * one Lua script (health-script.ts) that never shortens a running cooldown another instance wrote and
 * publishes the change. Provider-error events live in a capped list (`healthMaxEvents`). `load` is
 * every live key (SCAN + MGET), filtered with the same retention rule as the file store.
 */
import type { Clock } from '../../../../shared/clock.js';
import type { Logger } from '../../../../shared/logger.js';
import type { ProviderErrorEvent, ProviderHealthRecord } from '../../../router/health/types.js';
import { isHealthRecordRetained, providerErrorEventSchema, providerHealthRecordSchema } from '../health-schema.js';
import type { HealthPersistence } from '../types.js';
import { errorText, type RedisLink } from './connection.js';
import { SAVE_HEALTH_LUA, TRIM_EVENTS_LUA } from './health-script.js';
import { scanKeys, type RedisKeys } from './keys.js';
import type { RedisNotices } from './pubsub.js';

export interface RedisHealthOptions {
  link: RedisLink;
  keys: RedisKeys;
  notices: RedisNotices;
  /** Failure counts older than this are dropped (as in the file store). */
  ttlMs: number;
  maxEvents: number;
  clock: Clock;
  logger: Logger;
}

type Listener = (providerKey: string, record: ProviderHealthRecord | undefined) => void;

export class RedisHealthPersistence implements HealthPersistence {
  private readonly listeners = new Set<Listener>();

  constructor(private readonly o: RedisHealthOptions) {
    o.notices.handle('health', (providerKey) => void this.fetchAndNotify(providerKey));
  }

  async load(now: number): Promise<ProviderHealthRecord[]> {
    const { link, keys } = this.o;
    return link.run('health load', async (client) => {
      const found = new Map<string, ProviderHealthRecord>();
      for await (const batch of scanKeys(client, keys.pattern(keys.health('')))) {
        const values = await client.mget(...batch);
        values.forEach((raw, i) => {
          const record = raw === null ? undefined : this.parse(batch[i]!, raw);
          if (record && isHealthRecordRetained(record, now, this.o.ttlMs)) found.set(record.providerKey, record);
        });
      }
      return [...found.values()];
    });
  }

  async save(record: ProviderHealthRecord): Promise<void> {
    const { link, keys, notices, clock } = this.o;
    const key = keys.health(record.providerKey);
    const args = [JSON.stringify(record), String(clock.now()), String(this.o.ttlMs), keys.channel, notices.message('health', record.providerKey)];
    const stored = await link.run('health save', (client) => client.eval(SAVE_HEALTH_LUA, 1, key, ...args));
    // Redis kept something of another instance's (a longer cooldown): this instance adopts it too.
    if (typeof stored === 'string') {
      const merged = this.parse(key, stored);
      if (merged) this.notify(record.providerKey, merged);
    }
  }

  async remove(providerKey: string): Promise<void> {
    const { link, keys, notices } = this.o;
    await link.run('health remove', (client) => client.multi().del(keys.health(providerKey)).publish(keys.channel, notices.message('health', providerKey)).exec().then(checkExec));
  }

  async appendEvent(event: ProviderErrorEvent): Promise<void> {
    const { link, keys, maxEvents } = this.o;
    await link.run('health event', (client) => client.multi().rpush(keys.healthEvents, JSON.stringify(event)).ltrim(keys.healthEvents, -maxEvents, -1).exec().then(checkExec));
  }

  async recentEvents(limit: number): Promise<ProviderErrorEvent[]> {
    if (limit <= 0) return [];
    const raw = await this.o.link.run('health events', (client) => client.lrange(this.o.keys.healthEvents, -limit, -1));
    const events: ProviderErrorEvent[] = [];
    for (const text of raw) {
      const parsed = safeJson(text, providerErrorEventSchema);
      if (parsed) events.push(parsed);
      else this.o.logger.warn({ key: this.o.keys.healthEvents }, 'redis: skipped an invalid provider-error event');
    }
    return events;
  }

  /** Records expire by their own TTL; events older than `ttlMs` (and past `maxEvents`) are dropped. */
  async compact(now: number): Promise<void> {
    const { link, keys, ttlMs, maxEvents } = this.o;
    await link.run('health compact', (client) => client.eval(TRIM_EVENTS_LUA, 1, keys.healthEvents, String(now - ttlMs), String(maxEvents)));
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Another instance changed `providerKey`: read what Redis holds now and pass it on. */
  private async fetchAndNotify(providerKey: string): Promise<void> {
    const key = this.o.keys.health(providerKey);
    try {
      const raw = await this.o.link.run('health notice', (client) => client.get(key));
      this.notify(providerKey, raw === null ? undefined : this.parse(key, raw));
    } catch (e) {
      this.o.logger.debug({ providerKey, err: errorText(e) }, 'redis: could not read a changed health record (the reconcile will)');
    }
  }

  private notify(providerKey: string, record: ProviderHealthRecord | undefined): void {
    for (const l of [...this.listeners]) l(providerKey, record);
  }

  private parse(key: string, raw: string): ProviderHealthRecord | undefined {
    const record = safeJson(raw, providerHealthRecordSchema);
    if (!record) this.o.logger.warn({ key }, 'redis: ignored a health record that does not match the schema');
    return record;
  }
}

interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false };
}

export function safeJson<T>(text: string, schema: Schema<T>): T | undefined {
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** A MULTI's replies: the first error among them is thrown; null (aborted transaction) too. */
export function checkExec(replies: Array<[Error | null, unknown]> | null): unknown[] {
  if (replies === null) throw new Error('redis transaction was aborted');
  for (const [err] of replies) if (err) throw err;
  return replies.map(([, value]) => value);
}
