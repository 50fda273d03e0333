/** The harness's result and its printed form. */
import { KILL_KINDS, type KillKind } from './kill-plan.js';
import type { Ledger, Violation } from './checks.js';
import type { WorkDirState } from './inspect.js';

export interface CrashSummary {
  seed: number;
  cycles: number;
  /** Runtime processes ended by SIGKILL. */
  killPoints: number;
  /** Runtimes stopped by SIGTERM before the SIGKILL came (during-stop cycles, set-up, final). */
  cleanStops: number;
  violations: Violation[];
  /** Per kind: cycles planned, SIGKILLs, triggers that did not fire in time (killed anyway). */
  perKind: Record<KillKind, { cycles: number; kills: number; missed: number }>;
  /** Spawn → `started`, ms, per completed start. */
  restarts: number[];
  /** Stale file locks removed at start-up (relative paths, one entry per removal). */
  clearedLocks: string[];
  recovery: { reappliedBatches: number; finishedFromResults: number; interruptedTasks: number; pendingInputs: number };
  work?: {
    inputs: number; batches: number; results: number; jobsFinished: number; sideEffectLines: number;
    cronInputs: number; idleInputs: number; tornLines: number; tempLeftovers: number;
  };
  durationMs: number;
  workDir?: string | undefined;
}

export function newSummary(seed: number, cycles: number): CrashSummary {
  const perKind = Object.fromEntries(KILL_KINDS.map((k) => [k, { cycles: 0, kills: 0, missed: 0 }])) as CrashSummary['perKind'];
  return {
    seed, cycles, killPoints: 0, cleanStops: 0, violations: [], perKind, restarts: [], clearedLocks: [],
    recovery: { reappliedBatches: 0, finishedFromResults: 0, interruptedTasks: 0, pendingInputs: 0 }, durationMs: 0,
  };
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export function formatSummary(s: CrashSummary): string {
  const lines: string[] = [];
  lines.push(`kill points: ${s.killPoints}, violations: ${s.violations.length}`);
  lines.push(`seed ${s.seed}, ${s.cycles} cycles, duration ${(s.durationMs / 1000).toFixed(1)} s`);
  lines.push('kill points per kind (cycles / SIGKILLs / trigger missed → killed anyway):');
  for (const k of KILL_KINDS) {
    const e = s.perKind[k];
    lines.push(`  ${k.padEnd(16)} ${String(e.cycles).padStart(4)} / ${String(e.kills).padStart(4)} / ${e.missed}`);
  }
  lines.push(`clean stops (SIGTERM): ${s.cleanStops}`);
  lines.push(
    `restarts: ${s.restarts.length}, spawn → started p50 ${percentile(s.restarts, 50)} ms, p99 ${percentile(s.restarts, 99)} ms, max ${Math.max(0, ...s.restarts)} ms`,
  );
  const byDir = new Map<string, number>();
  for (const lock of s.clearedLocks) byDir.set(lock.split('/')[0] ?? lock, (byDir.get(lock.split('/')[0] ?? lock) ?? 0) + 1);
  const where = [...byDir].map(([dir, n]) => `${dir}/ ${n}`).join(', ');
  lines.push(`stale file locks removed at start-up: ${s.clearedLocks.length}${where ? ` (${where})` : ''}`);
  const r = s.recovery;
  lines.push(`recovery: ${r.reappliedBatches} batches re-applied, ${r.finishedFromResults} tasks finished from their result, ${r.interruptedTasks} interrupted tasks run again, ${r.pendingInputs} inputs found pending`);
  const w = s.work;
  if (w) {
    lines.push(`work: ${w.inputs} inputs (${w.cronInputs} cron, ${w.idleInputs} idle), ${w.batches} batches, ${w.results} task results, ${w.jobsFinished} jobs finished, ${w.sideEffectLines} side-effect lines`);
    lines.push(`files: ${w.tornLines} torn lines skipped by readers, ${w.tempLeftovers} temp files of interrupted atomic writes`);
  }
  if (s.violations.length > 0) {
    const byKind = new Map<string, number>();
    for (const v of s.violations) byKind.set(v.kind, (byKind.get(v.kind) ?? 0) + 1);
    lines.push(`VIOLATIONS: ${[...byKind].map(([k, n]) => `${k} ${n}`).join(', ')}`);
    for (const v of s.violations.slice(0, 40)) lines.push(`  [${v.kind}] ${v.detail}`);
    if (s.violations.length > 40) lines.push(`  … ${s.violations.length - 40} more`);
  }
  if (s.workDir) lines.push(`work dir kept: ${s.workDir}`);
  return lines.join('\n');
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

export function workCounts(state: WorkDirState, ledger: Ledger): CrashSummary['work'] {
  const replies = new Set(state.history.filter((m) => m.batch).map((m) => m.batch?.id));
  return {
    inputs: ledger.inputs.size,
    batches: replies.size,
    results: ledger.results.size,
    jobsFinished: ledger.finished.size,
    sideEffectLines: [...state.sideEffects.values()].reduce((a, b) => a + b, 0),
    cronInputs: [...ledger.inputs].filter((id) => id.startsWith('cron-')).length,
    idleInputs: [...ledger.inputs].filter((id) => id.startsWith('idle-')).length,
    tornLines: [...state.tornLines.values()].reduce((a, b) => a + b, 0),
    tempLeftovers: state.tempLeftovers,
  };
}
