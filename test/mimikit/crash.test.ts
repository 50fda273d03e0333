/**
 * Kill at random points, the short version of `npm run crash:mimikit` (scripts/mimikit-crash-harness.ts,
 * which runs hundreds of kill points): runtime processes on one work dir are SIGKILLed at planned points
 * of a scripted session (fake upstream behind a real RouteCodex) and restarted; after every restart every
 * accepted input is answered exactly once, every task result consumed once, no finished task runs again
 * (its workspace side effect appears once) and the state directory reads. CRASH_SEED / CRASH_CYCLES
 * change the run.
 */
import { describe, expect, it } from 'vitest';
import { runCrashHarness } from '../../scripts/mimikit-crash/run.js';
import { formatSummary } from '../../scripts/mimikit-crash/summary.js';

describe('crash safety', () => {
  it('survives SIGKILL at planned points: nothing accepted lost, answered twice or run twice', { timeout: 300_000 }, async () => {
    const cycles = Number(process.env.CRASH_CYCLES ?? 6);
    const summary = await runCrashHarness({ cycles, seed: Number(process.env.CRASH_SEED ?? 12345) });
    expect(summary.violations, formatSummary(summary)).toEqual([]);
    // Each cycle ends in a SIGKILL, or in a clean stop when a during-stop SIGTERM finished first.
    expect(summary.killPoints + summary.perKind['during-stop'].cycles).toBeGreaterThanOrEqual(cycles);
    expect(summary.killPoints).toBeGreaterThan(0);
    expect(summary.work?.jobsFinished).toBeGreaterThan(0);
  });
});
