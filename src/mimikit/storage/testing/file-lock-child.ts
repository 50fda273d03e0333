/**
 * Test helper run as a real child process: `node bin/run-ts.mjs <this file> <file>`. Takes the
 * proper-lockfile lock of `<file>` (as a JSONL append does), prints `{"held":true}` and keeps holding it
 * until it is killed — a SIGKILL leaves the `<file>.lock` directory behind, as a crashed runtime does.
 */
import { withFileLock } from '../../../shared/file-lock.js';

const [file] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: file-lock-child.ts <file>\n');
  process.exit(2);
}
await withFileLock(file, async () => {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, held: true })}\n`);
  await new Promise<never>(() => setInterval(() => undefined, 60_000));
});
