/**
 * The crash harness loop. One cycle = (re)start the runtime on the same work dir → wait until it has
 * drained → check every invariant → send the cycle's work → SIGKILL it at the planned point. A last
 * runtime drains, is checked, and must stop cleanly on SIGTERM. See `checks.ts` for the invariants.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkInvariants, derive, Ledger, outstanding, type Violation } from './checks.js';
import { RuntimeChild, type Exit } from './child.js';
import { inspectWorkDir, type WorkDirState } from './inspect.js';
import { planKill, planStartup, seededRandom, type KillKind, type KillPlan, type Send } from './kill-plan.js';
import { median, newSummary, workCounts, type CrashSummary } from './summary.js';
import { CRON_SETUP_TEXT, ScriptedModel, chatText, jobText, remindText } from './scripted-model.js';
import { startUpstream, type Upstream } from './upstream.js';

export interface CrashRunOptions {
  cycles: number;
  seed: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Keep the work dir for inspection (its path is in the summary). */
  keepWorkDir?: boolean;
  /** How long a cycle waits for its trigger before killing anyway (default 8 s). */
  triggerTimeoutMs?: number;
  /** How long a restarted runtime may take to drain (default 30 s). */
  drainTimeoutMs?: number;
}

const CONFIG = `manager:\n  taskCreate:\n    debounceMs: 0\nworker:\n  maxConcurrent: 4\n  retry:\n    maxAttempts: 1\n    backoffMs: 10\nidle:\n  afterMs: 1000\n`;
/** After a kill: a shell command the dead runtime had just spawned may still write its line. */
const ORPHAN_GRACE_MS = 200;
const TAGGED = /^(?:(?:JOB|CHAT|REMIND|FILL) "([^"]+)"|(CRON)-SETUP)/;

export async function runCrashHarness(options: CrashRunOptions): Promise<CrashSummary> {
  const log = options.log ?? (() => undefined);
  const started = Date.now();
  const upstream = await startUpstream();
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-crash-'));
  await fs.writeFile(path.join(workDir, 'config.yaml'), CONFIG);
  const h = new Harness(upstream, workDir, options, log);
  try {
    await h.run();
  } finally {
    await h.child?.exit.then(() => undefined, () => undefined);
    await upstream.close();
    if (!options.keepWorkDir) await fs.rm(workDir, { recursive: true, force: true });
  }
  h.summary.durationMs = Date.now() - started;
  h.summary.workDir = options.keepWorkDir ? workDir : undefined;
  return h.summary;
}

class Harness {
  readonly summary: CrashSummary;
  readonly model: ScriptedModel;
  readonly ledger = new Ledger();
  /** Tag → input id, for every tagged input (acknowledged or found in the queue). */
  readonly tagged = new Map<string, string>();
  readonly kinds = new Map<string, Send | 'fill' | 'cron'>();
  child: RuntimeChild | undefined;
  private readonly random: () => number;
  private counter = 0;
  private readonly reported = new Set<string>();

  constructor(
    private readonly upstream: Upstream,
    private readonly workDir: string,
    private readonly options: CrashRunOptions,
    private readonly log: (line: string) => void,
  ) {
    this.summary = newSummary(options.seed, options.cycles);
    this.model = new ScriptedModel(upstream.fake);
    this.random = seededRandom(options.seed);
  }

  async run(): Promise<void> {
    this.model.rebuild({ unansweredJobs: [], toolNotRun: [], unansweredReminders: [], cronSetupUnanswered: false }, Date.now());
    // Set-up: a cron job (fires every few seconds for the whole run), then a clean stop.
    this.model.addCronSetup();
    if (!(await this.restart())) return;
    this.sendInput('cron', 'CRON', CRON_SETUP_TEXT);
    await this.drainAndCheck('set-up');
    await this.stopCleanly();
    for (let cycle = 0; cycle < this.options.cycles; cycle++) {
      let plan = planStartup(this.random, median(this.summary.restarts) ?? 800);
      if (plan) this.child = new RuntimeChild(this.workDir, this.upstream.baseURL);
      else {
        if (!(await this.restart())) continue;
        const queued = await this.drainAndCheck(`cycle ${cycle + 1}`);
        plan = planKill(this.random, queued);
      }
      this.summary.perKind[plan.kind].cycles += 1;
      const exit = await this.killAt(plan);
      this.recordKill(plan.kind, exit);
      this.log(`cycle ${cycle + 1}/${this.options.cycles}: ${plan.kind} → ${exit.signal ?? `exit ${exit.code}`} (violations so far: ${this.summary.violations.length})`);
      await sleep(ORPHAN_GRACE_MS);
      await this.rebuildRules();
    }
    if (!(await this.restart())) return;
    await this.drainAndCheck('final');
    await this.stopCleanly();
    const finalState = await inspectWorkDir(this.workDir, { full: true });
    this.ledger.remember(finalState);
    const all = new Set([...this.ledger.inputs, ...this.ledger.results.keys()]);
    for (const v of checkInvariants(finalState, this.ledger, derive(finalState, this.ledger), this.model.workerCalls(), all)) this.violate(v.kind, v.detail, 'after the clean stop');
    this.summary.work = workCounts(finalState, this.ledger);
  }

  private async stopCleanly(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const exit = await child.exit;
    this.child = undefined;
    if (exit.code === 0) this.summary.cleanStops += 1;
    else this.violate('clean-stop-failed', `a runtime ended with ${exit.signal ?? exit.code} on SIGTERM: ${child.stderr().slice(-2_000)}`);
  }

  /** Spawns a runtime and waits for `started` (false, with a violation, when it dies first). */
  private async restart(): Promise<boolean> {
    const child = new RuntimeChild(this.workDir, this.upstream.baseURL);
    this.child = child;
    const started = await Promise.race([child.started, sleep(30_000).then(() => undefined)]);
    if (!started) {
      child.kill('SIGKILL');
      await child.exit;
      this.child = undefined;
      this.violate('restart-failed', `the runtime did not start: ${child.stderr().slice(-2_000)}`);
      return false;
    }
    const s = this.summary;
    s.restarts.push(Date.now() - child.spawnedAt);
    if (started.clearedLocks.length > 0) s.clearedLocks.push(...started.clearedLocks);
    s.recovery.reappliedBatches += started.recovery.reapplied;
    s.recovery.finishedFromResults += started.recovery.finishedFromResults;
    s.recovery.interruptedTasks += started.recovery.interrupted;
    s.recovery.pendingInputs += started.recovery.pendingInputs;
    return true;
  }

  /** Returns how many packets the inputs queue holds once drained. */
  private async drainAndCheck(where: string): Promise<number> {
    const deadline = Date.now() + (this.options.drainTimeoutMs ?? 30_000);
    let state: WorkDirState;
    for (;;) {
      state = await this.inspect(false);
      const left = outstanding(state, this.ledger, derive(state, this.ledger));
      if (left.length === 0 || Date.now() > deadline) break;
      await sleep(50);
    }
    // Inputs arriving after the drained moment (cron, idle) may still be unanswered: not checked yet.
    const mustBeAnswered = new Set([...this.ledger.inputs, ...this.ledger.results.keys()]);
    const full = await this.inspect(true);
    for (const v of checkInvariants(full, this.ledger, derive(full, this.ledger), this.model.workerCalls(), mustBeAnswered)) this.violate(v.kind, v.detail, where);
    return full.inputs.length;
  }

  private async inspect(full: boolean): Promise<WorkDirState> {
    const state = await inspectWorkDir(this.workDir, { full });
    this.ledger.remember(state);
    for (const p of state.inputs) {
      const m = TAGGED.exec(p.payload.text);
      const tag = m?.[1] ?? m?.[2];
      if (tag !== undefined) this.tagged.set(tag, p.id);
    }
    for (const [tag, id] of this.tagged) if (this.kinds.get(tag) === 'job') this.ledger.jobInputs.set(tag, id);
    return state;
  }

  /** Sends the plan's work, arms its trigger, and ends the child at the planned point. */
  private async killAt(plan: KillPlan): Promise<Exit> {
    const child = this.child as RuntimeChild;
    if (plan.trigger) child.send({ op: 'arm', trigger: plan.trigger });
    for (let i = 0; i < plan.fillers; i++) this.sendInput('fill', `F${++this.counter}`, `FILL "F${this.counter}": filler message.`);
    const first = plan.send.map((kind) => this.sendNew(kind))[0];
    const after = plan.killAfter;
    if (after && 'accept' in after && first !== undefined) {
      await Promise.race([child.next((m): m is Extract<typeof m, { ev: 'accepted' }> => m.ev === 'accepted' && m.tag === first), child.exit]);
      child.kill('SIGKILL');
    } else if (after && 'delayMs' in after) {
      const from = plan.kind === 'startup' ? child.spawnedAt : Date.now();
      await Promise.race([sleep(Math.max(0, from + after.delayMs - Date.now())), child.exit]);
      if (after.sigtermGraceMs !== undefined) {
        child.kill('SIGTERM');
        await Promise.race([sleep(after.sigtermGraceMs), child.exit]);
      }
      child.kill('SIGKILL');
    } else {
      const timedOut = await Promise.race([child.exit.then(() => false), sleep(this.options.triggerTimeoutMs ?? 8_000).then(() => true)]);
      if (timedOut) {
        this.summary.perKind[plan.kind].missed += 1;
        child.kill('SIGKILL');
      }
    }
    const exit = await child.exit;
    for (const { tag, id } of child.accepted()) {
      this.tagged.set(tag, id);
      this.ledger.inputs.add(id);
      if (this.kinds.get(tag) === 'job') this.ledger.jobInputs.set(tag, id);
    }
    this.child = undefined;
    return exit;
  }

  private sendNew(kind: Send): string {
    const n = ++this.counter;
    if (kind === 'job') {
      const tag = `J${n}`;
      this.model.addJob(tag);
      this.ledger.jobs.add(tag);
      return this.sendInput(kind, tag, jobText(tag));
    }
    if (kind === 'remind') {
      const tag = `R${n}`;
      this.model.addReminder(tag, Date.now());
      return this.sendInput(kind, tag, remindText(tag));
    }
    return this.sendInput(kind, `C${n}`, chatText(`C${n}`));
  }

  private sendInput(kind: Send | 'fill' | 'cron', tag: string, text: string): string {
    this.kinds.set(tag, kind);
    this.child?.send({ op: 'input', tag, text });
    return tag;
  }

  private recordKill(kind: KillKind, exit: Exit): void {
    const entry = this.summary.perKind[kind];
    if (exit.signal === 'SIGKILL') {
      this.summary.killPoints += 1;
      entry.kills += 1;
    } else if (exit.code === 0) {
      this.summary.cleanStops += 1;
    } else {
      this.violate('restart-failed', `the runtime ended on its own (${exit.signal ?? exit.code}) during a ${kind} cycle`);
    }
  }

  /** While no runtime runs: rules for the work the files say is still missing. */
  private async rebuildRules(): Promise<void> {
    const state = await this.inspect(false);
    const d = derive(state, this.ledger);
    const known = (tag: string) => this.tagged.get(tag);
    const answered = (tag: string) => d.answeredBy.has(known(tag) ?? '\u0000');
    const byKind = (kind: string) => [...this.kinds].filter(([tag, k]) => k === kind && known(tag) !== undefined).map(([tag]) => tag);
    const jobs = byKind('job');
    const finished = (tag: string) => (d.jobTasks.get(tag) ?? []).some((t) => d.taskResults.has(t));
    this.model.rebuild({
      unansweredJobs: jobs.filter((t) => !answered(t)),
      toolNotRun: jobs.filter((t) => !finished(t) && (state.sideEffects.get(t) ?? 0) === 0),
      unansweredReminders: byKind('remind').filter((t) => !answered(t)),
      cronSetupUnanswered: known('CRON') !== undefined && !answered('CRON'),
    }, Date.now());
  }

  private violate(kind: Violation['kind'], detail: string, where?: string): void {
    // A broken invariant stays broken: report it once, where it was first seen.
    const key = `${kind}\u0000${detail}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.summary.violations.push({ kind, detail: where ? `${where}: ${detail}` : detail });
  }
}
