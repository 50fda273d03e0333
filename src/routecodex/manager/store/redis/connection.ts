/**
 * The Redis store's two connections (commands, and a subscriber for pub/sub) and what "down" means.
 * Calls never queue while Redis is unreachable (`enableOfflineQueue: false`): they fail at once with
 * `StoreUnavailableError`, so nothing grows without bound and no caller hangs. ioredis reconnects on
 * its own with a bounded backoff. An outage is logged ONCE, loudly, when it starts (a warning) and
 * once when it ends; when both connections are back, `onRestored` listeners run, told whether the
 * server is a new process (its run_id changed: without persistence it lost every key).
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../../../shared/logger.js';
import { StoreUnavailableError, type StoreLink } from '../types.js';

export interface RedisLinkOptions {
  url: string;
  logger: Logger;
  /** Longest wait for a connection or a reply (default 2 s). */
  timeoutMs?: number;
  /** Longest pause between reconnection attempts (default 1 s). */
  maxRetryDelayMs?: number;
}

type Listener = (event: { restarted: boolean }) => void;

const CONNECTION_ERROR = /Connection is closed|Stream isn't writeable|Command timed out|ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|MaxRetriesPerRequest|connect/i;

export class RedisLink implements StoreLink {
  readonly client: Redis;
  readonly subscriber: Redis;
  private clientUp = false;
  private subscriberUp = false;
  private runId: string | undefined;
  /** True from the first failure (or a failed start) until both connections are back. */
  private outage = false;
  private closing = false;
  private readonly listeners = new Set<Listener>();
  private readonly logger: Logger;
  private readonly where: string;

  constructor(private readonly options: RedisLinkOptions) {
    this.logger = options.logger;
    this.where = redactUrl(options.url);
    const timeout = options.timeoutMs ?? 2_000;
    const maxDelay = options.maxRetryDelayMs ?? 1_000;
    const base: RedisOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      connectTimeout: timeout,
      commandTimeout: timeout,
      retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), maxDelay),
    };
    this.client = new Redis(options.url, { ...base, connectionName: 'routecodex' });
    this.subscriber = new Redis(options.url, { ...base, connectionName: 'routecodex-sub', commandTimeout: undefined });
    this.watch(this.client, 'client');
    this.watch(this.subscriber, 'subscriber');
  }

  get available(): boolean {
    return this.clientUp && this.runId !== undefined;
  }

  /** Connects both; false (after ONE warning) when Redis cannot be reached now — it keeps retrying. */
  async open(): Promise<boolean> {
    const results = await Promise.allSettled([this.client.connect(), this.subscriber.connect()]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      this.beginOutage(`cannot connect: ${errorText(failed.reason)}`);
      return false;
    }
    await this.settle();
    return this.available;
  }

  onRestored(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Runs one call on the command connection; unreachable Redis → `StoreUnavailableError`, at once. */
  async run<T>(what: string, call: (client: Redis) => Promise<T>): Promise<T> {
    if (!this.available) throw new StoreUnavailableError(`redis ${this.where} is unavailable (${what})`);
    try {
      return await call(this.client);
    } catch (e) {
      if (this.client.status !== 'ready' || CONNECTION_ERROR.test(errorText(e))) {
        throw new StoreUnavailableError(`redis ${this.where} is unavailable (${what}): ${errorText(e)}`);
      }
      throw e;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    this.listeners.clear();
    await Promise.all([quit(this.client), quit(this.subscriber)]);
  }

  private watch(connection: Redis, role: 'client' | 'subscriber'): void {
    connection.on('error', (e: unknown) => this.logger.debug({ role, err: errorText(e) }, 'redis connection error'));
    connection.on('ready', () => {
      if (role === 'client') void this.clientReady();
      else {
        this.subscriberUp = true;
        this.endOutageIfBack();
      }
    });
    connection.on('close', () => {
      if (role === 'client') this.clientUp = false;
      else this.subscriberUp = false;
      if (!this.closing) this.beginOutage(`${role} connection lost`);
    });
  }

  /** Reads the server's run_id first: until then, calls fail fast (a restart must be known before use). */
  private async clientReady(): Promise<void> {
    let runId: string;
    try {
      const info = await this.client.info('server');
      runId = /run_id:(\w+)/.exec(info)?.[1] ?? 'unknown';
    } catch (e) {
      this.logger.debug({ err: errorText(e) }, 'redis: reading run_id failed; waiting for the next connection');
      return;
    }
    // A new server process, or the first connection after a start without Redis: everything this
    // instance knows was made while Redis could not see it.
    if (this.runId === undefined ? this.outage : this.runId !== runId) this.restartSeen = true;
    this.runId = runId;
    this.clientUp = true;
    this.resolveFirstReady?.();
    this.endOutageIfBack();
  }

  private restartSeen = false;
  private resolveFirstReady: (() => void) | undefined;
  private readonly firstReady = new Promise<void>((resolve) => (this.resolveFirstReady = resolve));

  private beginOutage(why: string): void {
    if (this.outage || this.closing) return;
    this.outage = true;
    this.logger.warn(
      { redis: this.where, why },
      'REDIS UNAVAILABLE: serving from local state (cooldowns, sessions and counters of this instance only); changes are kept and pushed when Redis is back. Logged once per outage.',
    );
  }

  private endOutageIfBack(): void {
    if (!this.outage || !this.clientUp || !this.subscriberUp || this.closing) return;
    this.outage = false;
    const restarted = this.restartSeen;
    this.restartSeen = false;
    this.logger.info({ redis: this.where, restarted }, 'redis is reachable again: reconciling local state');
    for (const l of [...this.listeners]) l({ restarted });
  }

  /** Waits (bounded) until a just-opened link has read its run_id. */
  private async settle(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.timeoutMs ?? 2_000)));
    await Promise.race([this.firstReady, timeout]);
    clearTimeout(timer);
  }
}

async function quit(connection: Redis): Promise<void> {
  if (connection.status === 'end') return;
  try {
    if (connection.status === 'ready') await connection.quit();
    else connection.disconnect();
  } catch {
    connection.disconnect();
  }
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis (unparseable url)';
  }
}
