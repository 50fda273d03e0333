/** `routecodex` command line: start | config check | fake-upstream | token-daemon. */
import { ConfigError } from '../../shared/config-file.js';
import { runConfigCheck } from './config-check.js';
import { runStart } from './start-command.js';
import { runTokenDaemon, TOKEN_DAEMON_USAGE } from './token-daemon.js';
import { runFakeUpstreamCli } from '../testing/fake-upstream/index.js';

const USAGE = `usage:
  routecodex start [--config PATH] [--host 127.0.0.1] [--port 5555]
  routecodex config check [--config PATH]
  routecodex fake-upstream [--port N] [--host H] [--latency-ms N] [--script FILE]
${TOKEN_DAEMON_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return runStart(rest);
    case 'config':
      if (rest[0] === 'check') return runConfigCheck(rest.slice(1));
      break;
    case 'token-daemon':
      return runTokenDaemon(rest);
    case 'fake-upstream':
      await runFakeUpstreamCli(rest);
      return -1; // keeps running until a signal
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    default:
      break;
  }
  process.stderr.write(`unknown command: ${argv.join(' ') || '(none)'}\n${USAGE}`);
  return 2;
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (e) {
  if (e instanceof ConfigError) process.stderr.write(`invalid configuration — ${e.message}\n`);
  else process.stderr.write(`routecodex: ${(e as Error).message}\n`);
  process.exitCode = 1;
}
