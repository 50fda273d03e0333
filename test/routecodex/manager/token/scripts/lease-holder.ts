/**
 * Child of the leader tests: `lease-holder.ts <stateDir> <name> <ttlMs>`. Acquires the lease (retrying),
 * prints `acquired <fence>`, renews it every ttl/3 and prints `lost` when a renew finds it taken over.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { FileLeaseLocks } from '../../../../../src/routecodex/manager/store/file/file-locks.js';

const [stateDir, name, ttlArg] = process.argv.slice(2);
if (!stateDir || !name || !ttlArg) throw new Error('usage: lease-holder.ts <stateDir> <name> <ttlMs>');
const ttl = Number(ttlArg);
const locks = new FileLeaseLocks(stateDir);
let lease = await locks.acquire(name, `holder-${process.pid}`, ttl);
while (!lease) {
  await delay(20);
  lease = await locks.acquire(name, `holder-${process.pid}`, ttl);
}
process.stdout.write(`acquired ${lease.holder.fence}\n`);
const held = lease;
const timer = setInterval(() => {
  void locks.renew(held, ttl).then((kept) => {
    if (!kept) {
      process.stdout.write('lost\n');
      clearInterval(timer);
    }
  });
}, Math.floor(ttl / 3));
process.once('SIGTERM', () => {
  clearInterval(timer);
  void locks.release(held).then(() => process.exit(0));
});
