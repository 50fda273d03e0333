/** Shared set-up of the TokenManager tests: a temp home, token files, OAuth settings, a capturing logger. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { Clock } from '../../../../src/shared/clock.js';
import { FileLeaseLocks } from '../../../../src/routecodex/manager/store/file/file-locks.js';
import type { OAuthSettings } from '../../../../src/routecodex/manager/token/oauth-settings.js';
import { TokenService } from '../../../../src/routecodex/manager/token/token-service.js';
import type { FakeOAuth } from '../../../helpers/fake-oauth.js';
import { tempDir } from '../../../helpers/temp-dir.js';

export interface Home {
  path: string;
  authDir: string;
  stateDir: string;
  remove(): Promise<void>;
}

export async function makeHome(): Promise<Home> {
  const dir = await tempDir('rcx-token-');
  const authDir = path.join(dir.path, 'auth');
  await fs.mkdir(authDir, { recursive: true });
  return { path: dir.path, authDir, stateDir: path.join(dir.path, 'state'), remove: dir.remove };
}

export async function writeToken(home: Home, name: string, doc: Record<string, unknown>): Promise<string> {
  const file = path.join(home.authDir, name);
  await fs.writeFile(file, JSON.stringify(doc, null, 2));
  return file;
}

export async function readDoc(file: string): Promise<Record<string, unknown>> {
  return JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>;
}

export function settingsFor(fake: FakeOAuth, providerId = 'qw', extra: Partial<OAuthSettings> = {}): OAuthSettings {
  return {
    providerId,
    type: 'oauth',
    flow: 'device-code',
    tokenEndpoint: fake.tokenEndpoint,
    deviceEndpoint: fake.deviceEndpoint,
    clientId: 'client-1',
    refreshAheadMs: 60_000,
    ...extra,
  };
}

export interface CapturedLog {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export function capturingLogger(lines: CapturedLog[] = []): { logger: Logger; lines: CapturedLog[] } {
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as CapturedLog);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

export function serviceFor(home: Home, settings: OAuthSettings[], clock: Clock, logger: Logger, ownerId = 'test'): TokenService {
  return new TokenService({
    home: home.path,
    providers: new Map(settings.map((s) => [s.providerId, s])),
    locks: new FileLeaseLocks(home.stateDir, clock),
    logger,
    clock,
    ownerId,
    requestTimeoutMs: 5_000,
  });
}
