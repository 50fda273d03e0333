/**
 * Child of the two-process refresh test: `race-refresh.ts <home> <tokenEndpoint> <tokenFile> <n>`. Prints
 * `ready`, waits for SIGUSR2, then asks for the access token `n` times at once and prints them as JSON.
 */
import path from 'node:path';
import pino from 'pino';
import { systemClock } from '../../../../../src/shared/clock.js';
import { FileLeaseLocks } from '../../../../../src/routecodex/manager/store/file/file-locks.js';
import { TokenService } from '../../../../../src/routecodex/manager/token/token-service.js';

const [home, tokenEndpoint, tokenFile, n] = process.argv.slice(2);
if (!home || !tokenEndpoint || !tokenFile || !n) throw new Error('usage: race-refresh.ts <home> <tokenEndpoint> <tokenFile> <n>');
const service = new TokenService({
  home,
  providers: new Map([['qw', { providerId: 'qw', type: 'oauth', flow: 'refresh-only', tokenEndpoint, clientId: 'client-1', refreshAheadMs: 60_000 }]]),
  locks: new FileLeaseLocks(path.join(home, 'state')),
  logger: pino({ level: 'silent' }),
  clock: systemClock,
  ownerId: `race-${process.pid}`,
});
const keepAlive = setInterval(() => undefined, 1_000);
const go = new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
process.stdout.write('ready\n');
await go;
clearInterval(keepAlive);
const tokens = await Promise.all(Array.from({ length: Number(n) }, () => service.accessToken(tokenFile)));
process.stdout.write(`${JSON.stringify(tokens)}\n`);
