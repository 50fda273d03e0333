/**
 * Test helper run as a real child process: `node bin/run-ts.mjs <this file> <workDir> [staleAfterMs]`.
 * Prints `{"ready":true}`, waits for a `go` line on stdin (so racers start together), tries to acquire the
 * instance lock and prints `{"result":"acquired"|"busy"|"error", …}`. A winner holds the lock until
 * stdin closes, then releases it and exits.
 */
import readline from 'node:readline';
import { StatePaths } from '../paths.js';
import { acquireInstanceLock, InstanceLockError } from '../instance-lock.js';

const [workDir, staleArg] = process.argv.slice(2);
if (!workDir) {
  process.stderr.write('usage: lock-child.ts <workDir> [staleAfterMs]\n');
  process.exit(2);
}
const say = (record: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ pid: process.pid, ...record })}\n`);

const lines = readline.createInterface({ input: process.stdin });
const go = new Promise<void>((resolve) => lines.on('line', (line) => line.trim() === 'go' && resolve()));
const stdinClosed = new Promise<void>((resolve) => lines.on('close', () => resolve()));
say({ ready: true });
await Promise.race([go, stdinClosed]);

try {
  const lock = await acquireInstanceLock(new StatePaths(workDir), staleArg ? { staleAfterMs: Number(staleArg) } : {});
  say({ result: 'acquired' });
  await stdinClosed;
  await lock.release();
  process.exit(0);
} catch (e) {
  if (e instanceof InstanceLockError) say({ result: 'busy', holderPid: e.holder?.pid, message: e.message });
  else say({ result: 'error', message: e instanceof Error ? e.message : String(e) });
  process.exit(0);
}
