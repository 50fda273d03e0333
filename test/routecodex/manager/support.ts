/** Helpers of the manager tests: a logger whose lines can be read back, a context over a real file store. */
import { Writable } from 'node:stream';
import pino from 'pino';
import { ManualClock } from '../../../src/shared/clock.js';
import type { Logger } from '../../../src/shared/logger.js';
import { loadConfig } from '../../../src/routecodex/config/load.js';
import type { ResolvedConfig } from '../../../src/routecodex/config/resolved.js';
import { FileManagerStore } from '../../../src/routecodex/manager/store/file/file-store.js';
import type { ManagerContext } from '../../../src/routecodex/manager/types.js';
import type { ProviderHealthRecord, ProviderErrorEvent } from '../../../src/routecodex/router/health/types.js';

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface CapturedLog {
  logger: Logger;
  lines: LogLine[];
  /** Resolves with the first line (past or future) whose message matches. */
  waitFor(msg: RegExp): Promise<LogLine>;
}

/** A pino logger writing into memory. */
export function captureLogger(): CapturedLog {
  const lines: LogLine[] = [];
  const waiters = new Set<(l: LogLine) => void>();
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString('utf8').split('\n')) {
        if (!text.trim()) continue;
        const l = JSON.parse(text) as LogLine;
        lines.push(l);
        for (const w of waiters) w(l);
      }
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const waitFor = (msg: RegExp) =>
    new Promise<LogLine>((resolve) => {
      const seen = lines.find((l) => msg.test(l.msg));
      if (seen) return resolve(seen);
      const w = (l: LogLine) => {
        if (!msg.test(l.msg)) return;
        waiters.delete(w);
        resolve(l);
      };
      waiters.add(w);
    });
  return { logger, lines, waitFor };
}

export const WARN = 40;
export const ERROR = 50;

export const MANAGER = { healthTtlMs: 3_600_000, healthMaxEvents: 100, healthCompactBytes: 1_048_576 };

export function fileStore(home: string, clock: ManualClock, logger: Logger, manager: Partial<typeof MANAGER> = {}): FileManagerStore {
  return new FileManagerStore({ home, serverId: 'unit', manager: { ...MANAGER, ...manager }, clock, logger });
}

/** A resolved config with one provider (no secrets needed) and the given manager settings. */
export function configWith(home: string, manager: Record<string, unknown> = {}): Promise<ResolvedConfig> {
  return loadConfig({
    home,
    env: {},
    document: {
      serverId: 'unit',
      virtualrouter: {
        providers: { pa: { type: 'openai', baseURL: 'http://127.0.0.1:9/v1', auth: { type: 'apikey', apiKey: 'k-unit' }, models: ['m'] } },
        routing: { default: ['pa.m'] },
      },
      manager,
    },
  });
}

export async function contextOf(store: FileManagerStore, home: string, clock: ManualClock, logger: Logger, manager: Record<string, unknown> = {}): Promise<ManagerContext> {
  return { serverId: 'unit', home, config: await configWith(home, manager), store, logger, clock };
}

export function rec(providerKey: string, over: Partial<ProviderHealthRecord> = {}): ProviderHealthRecord {
  return { providerKey, state: 'healthy', failureCount: 0, rateLimitStep: 0, updatedAt: 1_700_000_000_000, ...over };
}

export function ev(providerKey: string, at: number, over: Partial<ProviderErrorEvent> = {}): ProviderErrorEvent {
  return { at, providerKey, class: 'server', message: `boom at ${at}`, status: 500, ...over };
}
