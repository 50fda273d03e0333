/**
 * Child of the leader-race test: `lease-race.ts <stateDir> <name> <rounds>`. Prints `ready`, waits for
 * SIGUSR2, then `rounds` times tries to acquire the lease, holds it briefly (checking the lock file is still
 * its own), releases it, and finally prints one JSON line with every attempt.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { FileLeaseLocks } from '../../../../../src/routecodex/manager/store/file/file-locks.js';

const [stateDir, name, roundsArg] = process.argv.slice(2);
if (!stateDir || !name || !roundsArg) throw new Error('usage: lease-race.ts <stateDir> <name> <rounds>');
const locks = new FileLeaseLocks(stateDir);
// A signal listener does not keep the process alive: a timer does, until the signal comes.
const keepAlive = setInterval(() => undefined, 1_000);
const go = new Promise<void>((resolve) => process.once('SIGUSR2', () => resolve()));
process.stdout.write('ready\n');
await go;
clearInterval(keepAlive);

const attempts: Array<{ pid: number; acquired: boolean; from?: number; to?: number; ownFile?: boolean }> = [];
for (let i = 0; i < Number(roundsArg); i++) {
  const lease = await locks.acquire(name, `race-${process.pid}`, 10_000);
  if (lease) {
    const from = Date.now();
    await delay(2);
    const holder = await locks.holder(name);
    const ownFile = holder?.pid === process.pid && holder.fence === lease.holder.fence;
    const to = Date.now();
    await locks.release(lease);
    attempts.push({ pid: process.pid, acquired: true, from, to, ownFile });
  } else {
    attempts.push({ pid: process.pid, acquired: false });
  }
  await delay(Math.floor(Math.random() * 3));
}
process.stdout.write(`${JSON.stringify(attempts)}\n`);
