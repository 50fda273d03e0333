/**
 * `routecodex token-daemon status [--json]`: every token file (provider, file and alias, valid / expiring /
 * expired / invalid, expiry), the leader and the refresh history. No token string ever appears: token
 * files are reported by name and state only, and read errors by kind.
 */
import os from 'node:os';
import path from 'node:path';
import type { Clock } from '../../../shared/clock.js';
import type { LeaseLocks } from '../store/types.js';
import { pidAlive } from '../store/file/file-lock-io.js';
import type { RefreshHistory } from './history.js';
import { refreshGate } from './history.js';
import { parseTokenFileName, type OAuthSettings } from './oauth-settings.js';
import { LEADER_LEASE } from './token-manager.js';
import { isFresh } from './freshness.js';
import { fileStamp, listTokenFiles, type TokenReader } from './token-files.js';

export type TokenState = 'valid' | 'expiring' | 'expired' | 'invalid';

export interface TokenStatusRow {
  provider: string;
  file: string;
  alias: string;
  /** The provider has `auth.type: oauth` in the config (otherwise the token is never refreshed). */
  configured: boolean;
  status: TokenState;
  expiresAt: string | null;
  minutesLeft: number | null;
  refreshable: boolean;
  suspended: boolean;
  problem: string | null;
}

export interface LeaderStatus {
  ownerId: string;
  pid: number;
  hostname: string;
  acquiredAt: string;
  heartbeatAt: string;
  fence: number;
  /** No heartbeat for a ttl, or a dead process on this host: the next contender takes it over. */
  stale: boolean;
}

export interface HistoryRow {
  file: string;
  provider: string;
  attempts: number;
  successes: number;
  failures: number;
  consecutiveFailures: number;
  lastResult: 'success' | 'failure' | null;
  lastAttemptAt: string | null;
  lastError: string | null;
  suspended: boolean;
}

export interface TokenDaemonStatus {
  home: string;
  authDir: string;
  config: string;
  leader: LeaderStatus | null;
  tokens: TokenStatusRow[];
  history: HistoryRow[];
}

export interface StatusInputs {
  home: string;
  authDir: string;
  configSource: string;
  providers: ReadonlyMap<string, OAuthSettings>;
  locks: LeaseLocks;
  reader: TokenReader;
  history: RefreshHistory;
  clock: Clock;
  leaderTtlMs: number;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** A read error by kind only: JSON parse messages quote the file's text, which may be a token. */
function problemOf(e: unknown): string {
  const m = (e as Error).message;
  if (m.includes('cannot read')) return 'cannot read the file';
  if (m.includes('invalid JSON')) return 'invalid JSON';
  return `not a token file (${m.slice(m.indexOf(': ') + 2)})`;
}

export async function collectStatus(i: StatusInputs): Promise<TokenDaemonStatus> {
  const now = i.clock.now();
  const history = await i.history.all();
  const tokens: TokenStatusRow[] = [];
  for (const file of await listTokenFiles(i.authDir)) {
    const name = parseTokenFileName(file);
    if (!name) continue;
    const settings = i.providers.get(name.providerId);
    const entry = history[path.basename(file)];
    const gate = refreshGate(entry, await fileStamp(file), now);
    const row: TokenStatusRow = {
      provider: name.providerId, file: path.basename(file), alias: name.alias, configured: settings !== undefined,
      status: 'invalid', expiresAt: null, minutesLeft: null, refreshable: false, suspended: !gate.allowed && gate.reason === 'suspended', problem: null,
    };
    try {
      const token = await i.reader.read(file);
      row.refreshable = token.refreshToken !== undefined && !token.noRefresh;
      row.expiresAt = iso(token.expiresAt);
      row.minutesLeft = token.expiresAt === undefined ? null : Math.floor((token.expiresAt - now) / 60_000);
      row.status = isFresh(token, settings?.refreshAheadMs ?? 0, now) ? 'valid' : token.expiresAt !== undefined && token.expiresAt <= now ? 'expired' : 'expiring';
    } catch (e) {
      row.problem = problemOf(e);
    }
    tokens.push(row);
  }
  const h = await i.locks.holder(LEADER_LEASE);
  const leader: LeaderStatus | null = h
    ? {
        ownerId: h.ownerId, pid: h.pid, hostname: h.hostname, acquiredAt: new Date(h.acquiredAt).toISOString(), heartbeatAt: new Date(h.heartbeatAt).toISOString(), fence: h.fence,
        stale: now - h.heartbeatAt > i.leaderTtlMs || (h.hostname === os.hostname() && !pidAlive(h.pid)),
      }
    : null;
  const rows: HistoryRow[] = Object.entries(history).map(([file, e]) => ({
    file, provider: e.provider, attempts: e.attempts, successes: e.successes, failures: e.failures, consecutiveFailures: e.consecutiveFailures,
    lastResult: e.lastResult ?? null, lastAttemptAt: iso(e.lastAttemptAt), lastError: e.lastError ?? null, suspended: e.suspended,
  }));
  return { home: i.home, authDir: i.authDir, config: i.configSource, leader, tokens, history: rows };
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd()).join('\n');
}

export function formatStatus(s: TokenDaemonStatus): string {
  const out: string[] = [`home: ${s.home}`, `config: ${s.config}`, '', '== Tokens =='];
  if (s.tokens.length === 0) out.push(`(no token files in ${s.authDir})`);
  else {
    const rows = s.tokens.map((t) => [
      t.provider, `${t.file} (${t.alias})`, `${t.status}${t.suspended ? '*' : ''}`, t.expiresAt ?? '-', t.minutesLeft === null ? '-' : String(t.minutesLeft),
      t.problem ?? (t.configured ? '' : 'provider not configured for oauth'),
    ]);
    out.push(table([['PROVIDER', 'FILE (ALIAS)', 'STATUS', 'EXPIRES AT', 'MIN LEFT', 'NOTE'], ...rows]));
  }
  out.push('', '== Leader ==');
  const l = s.leader;
  out.push(l ? `owner=${l.ownerId} pid=${l.pid} host=${l.hostname} since ${l.acquiredAt} (heartbeat ${l.heartbeatAt}${l.stale ? ', STALE' : ''})` : 'none');
  out.push('', '== Refresh History ==');
  if (s.history.length === 0) out.push('(no refresh yet)');
  else {
    const rows = s.history.map((h) => [
      `${h.file}${h.suspended ? ' *' : ''}`, String(h.attempts), String(h.successes), String(h.failures), h.lastResult ?? '-', h.lastAttemptAt ?? '-', h.lastError ?? '',
    ]);
    out.push(table([['FILE', 'ATTEMPTS', 'OK', 'FAILED', 'LAST', 'AT', 'LAST ERROR'], ...rows]));
    if (s.history.some((h) => h.suspended)) out.push('* = automatic refresh suspended (run `routecodex token-daemon refresh <file>`)');
  }
  return `${out.join('\n')}\n`;
}
