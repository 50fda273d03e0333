/** `mimikit`: checks the arguments, then supervises the runtime process (`runtime-main.ts`). */
import { fileURLToPath } from 'node:url';
import { parseArgs, UsageError, USAGE } from './args.js';
import { EXIT_USAGE } from './exit-codes.js';
import { supervise } from './supervisor.js';

const RUN_TS = fileURLToPath(new URL('../../../bin/run-ts.mjs', import.meta.url));
const RUNTIME_MAIN = fileURLToPath(new URL('./runtime-main.ts', import.meta.url));

async function main(argv: string[]): Promise<number> {
  try {
    if (parseArgs(argv).help) {
      process.stdout.write(USAGE);
      return 0;
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`mimikit: ${e.message}\n${USAGE}`);
    return EXIT_USAGE;
  }
  return supervise({ command: [process.execPath, RUN_TS, RUNTIME_MAIN, ...argv], log: (line) => process.stderr.write(`${line}\n`) });
}

process.exitCode = await main(process.argv.slice(2));
