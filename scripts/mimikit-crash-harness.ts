/**
 * `npm run crash:mimikit -- [--cycles 240] [--seed 1] [--keep] [--quiet]`: SIGKILLs mimikit runtime
 * processes at varied points of a scripted session (the fake upstream behind a real RouteCodex), restarts
 * them on the same work dir, and checks after every restart that nothing accepted was lost, answered
 * twice or run twice, and that the state directory loads. Prints a summary; exits 1 on any violation.
 */
import { parseArgs } from 'node:util';
import { runCrashHarness } from './mimikit-crash/run.js';
import { formatSummary } from './mimikit-crash/summary.js';

const { values } = parseArgs({
  options: {
    cycles: { type: 'string', default: '240' },
    seed: { type: 'string', default: '1' },
    keep: { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
  },
});
const cycles = Number(values.cycles);
const seed = Number(values.seed);
if (!Number.isInteger(cycles) || cycles < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: mimikit-crash-harness.ts [--cycles N (≥ 1)] [--seed S (integer)] [--keep] [--quiet]\n');
  process.exit(2);
}
const summary = await runCrashHarness({ cycles, seed, keepWorkDir: values.keep, log: values.quiet ? undefined : (line) => process.stderr.write(`${line}\n`) });
process.stdout.write(`${formatSummary(summary)}\n`);
process.exit(summary.violations.length > 0 ? 1 : 0);
