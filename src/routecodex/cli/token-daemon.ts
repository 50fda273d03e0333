/**
 * `routecodex token-daemon start|status [--json]|refresh <selector> [--login]` (+ `--config`). `start`
 * runs the background refresher in the foreground as the home's token leader and refuses (exit 1, naming
 * the holder) when another process — a server or another daemon — already leads. Logs go to stderr.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { systemClock } from '../../shared/clock.js';
import { createLogger, type Logger } from '../../shared/logger.js';
import { routecodexHome } from '../config/load.js';
import type { RouteCodexConfig } from '../config/schema.js';
import { FileLeaseLocks } from '../manager/store/file/file-locks.js';
import type { LeaseLocks } from '../manager/store/types.js';
import {
  TokenManager, TokenService, authDirOf, collectStatus, formatStatus, loadTokenConfig, oauthProvidersOf, refreshOrLogin, resolveSelector, type OAuthSettings,
} from '../manager/token/index.js';

export const TOKEN_DAEMON_USAGE = `  routecodex token-daemon start [--config PATH] [--interval SECONDS]
  routecodex token-daemon status [--json] [--config PATH]
  routecodex token-daemon refresh <provider | provider.alias | token-file.json> [--login] [--config PATH]
`;

const LEADER_TTL_MS = 30_000;

interface Setup {
  home: string;
  source: string;
  config: RouteCodexConfig;
  providers: Map<string, OAuthSettings>;
  locks: LeaseLocks;
  logger: Logger;
}

async function setup(configPath: string | undefined, level: string): Promise<Setup> {
  const env = process.env;
  const home = routecodexHome(env);
  const { config, source } = await loadTokenConfig({ ...(configPath ? { configPath } : {}), env, home });
  if (config.manager.store !== 'file') throw new Error(`manager.store: ${config.manager.store} is not supported by token-daemon yet; use manager.store: file`);
  const logger = createLogger({ name: 'routecodex-token', level: env.LOG_LEVEL ?? level, destination: pino.destination({ dest: 2, sync: true }) });
  const locks = new FileLeaseLocks(path.join(home, 'state'), systemClock, (message) => logger.warn(message));
  return { home, source, config, providers: oauthProvidersOf(config), locks, logger };
}

async function start(s: Setup, intervalSec: number): Promise<number> {
  const manager = new TokenManager({
    home: s.home, providers: s.providers, locks: s.locks, logger: s.logger, clock: systemClock, ownerId: 'cli:token-daemon',
    refreshIntervalMs: intervalSec * 1000, leaderTtlMs: LEADER_TTL_MS,
  });
  const election = await manager.start();
  if (!election.leader) {
    await manager.stop();
    const h = election.holder;
    const who = h ? `owner=${h.ownerId}, pid=${h.pid}, since ${new Date(h.acquiredAt).toISOString()}` : 'holder unreadable';
    process.stderr.write(`token manager leader already active (${who}); refusing to start a second token refresher\n`);
    return 1;
  }
  process.stdout.write(`token daemon started: leader of ${s.home} (owner=cli:token-daemon, pid=${process.pid}); refreshing every ${intervalSec}s\n`);
  if (s.providers.size === 0) process.stdout.write(`no OAuth provider in ${s.source}: nothing to refresh\n`);
  // The manager's timers are unref'd (they never hold a server open); this process lives for them.
  const keepAlive = setInterval(() => undefined, 60_000);
  const stop = async (signal: string) => {
    process.stdout.write(`token daemon: ${signal}, stopping\n`);
    clearInterval(keepAlive);
    await manager.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return -1;
}

async function status(s: Setup, json: boolean): Promise<number> {
  const service = new TokenService({ home: s.home, providers: s.providers, locks: s.locks, logger: s.logger, clock: systemClock, ownerId: 'cli:token-daemon-status' });
  const report = await collectStatus({
    home: s.home, authDir: authDirOf(s.home), configSource: s.source, providers: s.providers, locks: s.locks,
    reader: service.reader, history: service.history, clock: systemClock, leaderTtlMs: LEADER_TTL_MS,
  });
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatStatus(report));
  return 0;
}

async function refresh(s: Setup, selector: string | undefined, login: boolean): Promise<number> {
  if (!selector) throw new Error(`token-daemon refresh needs a selector\nusage:\n${TOKEN_DAEMON_USAGE}`);
  const ownerId = 'cli:token-daemon-refresh';
  const service = new TokenService({ home: s.home, providers: s.providers, locks: s.locks, logger: s.logger, clock: systemClock, ownerId });
  const selection = await resolveSelector(selector, s.providers, authDirOf(s.home));
  const result = await refreshOrLogin(selection, login, {
    service, locks: s.locks, ownerId, clock: systemClock, print: (line) => process.stdout.write(`${line}\n`),
  });
  const expires = result.expiresAt === undefined ? 'no expiry given' : `expires ${new Date(result.expiresAt).toISOString()}`;
  const what = result.method === 'refresh' ? 'refreshed' : 'logged in, wrote';
  process.stdout.write(`${what} ${path.basename(result.file)} (${expires})\n`);
  return 0;
}

export async function runTokenDaemon(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: 'string' },
      json: { type: 'boolean', default: false },
      login: { type: 'boolean', default: false },
      interval: { type: 'string' },
    },
  });
  const [sub, selector, ...extra] = positionals;
  if (extra.length > 0 || (sub !== 'refresh' && selector !== undefined)) throw new Error(`unexpected argument "${extra[0] ?? selector}"\nusage:\n${TOKEN_DAEMON_USAGE}`);
  const interval = values.interval === undefined ? 60 : Number(values.interval);
  if (!Number.isFinite(interval) || interval <= 0) throw new Error(`--interval must be a positive number of seconds, got "${values.interval}"`);
  switch (sub) {
    case 'start':
      return start(await setup(values.config, 'info'), interval);
    case 'status':
      return status(await setup(values.config, 'warn'), values.json ?? false);
    case 'refresh':
      return refresh(await setup(values.config, 'warn'), selector, values.login ?? false);
    default:
      process.stderr.write(`unknown token-daemon command: ${sub ?? '(none)'}\nusage:\n${TOKEN_DAEMON_USAGE}`);
      return 2;
  }
}
