/** Standalone entry: `node bin/run-ts.mjs src/routecodex/testing/fake-upstream/main.ts [--port N] ...`. */
import { runFakeUpstreamCli } from './cli.js';

try {
  await runFakeUpstreamCli(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`fake-upstream: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
