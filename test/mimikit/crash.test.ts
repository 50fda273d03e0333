/**
 * Kill at random points: runtimes on one work dir are SIGKILLed at random moments while they accept
 * inputs, answer them, run tasks and consume results. Then one last runtime runs until everything is
 * done. Every accepted input is answered exactly once, every result consumed exactly once, no task
 * finished twice, and the state directory always loads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resultPacketSchema, runtimeSnapshotSchema } from '../../src/mimikit/model/index.js';
import { waitUntil } from '../../src/mimikit/worker/test-support.js';
import { startHarness, type Harness } from './harness.js';
import { historyLines } from './history-lines.js';

const RUN_TS = path.resolve('bin/run-ts.mjs');
const CHILD = path.resolve('test/mimikit/crash-child.ts');
let h: Harness | undefined;
const children: ChildProcess[] = [];
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => (c.once('exit', r), c.kill('SIGKILL'))) : undefined)));
  await h?.close();
  h = undefined;
});

interface Run {
  accepted: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  started: Promise<void>;
  kill(signal: NodeJS.Signals): void;
  stderr(): string;
}

function runChild(harness: Harness, inputs: number): Run {
  const child = spawn(process.execPath, [RUN_TS, CHILD, harness.workDir, `${harness.gateway.url}/v1`, String(inputs)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const accepted: string[] = [];
  let err = '';
  let out = '';
  let onStarted!: () => void;
  const started = new Promise<void>((r) => (onStarted = r));
  let all = '';
  child.stdout.on('data', (c: Buffer) => {
    all += c.toString();
    out += c.toString();
    const lines = out.split('\n');
    out = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('started')) onStarted();
      if (line.startsWith('accepted ')) accepted.push(line.slice('accepted '.length));
    }
  });
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  void exit.then(() => onStarted());
  return { accepted, exit, started, kill: (s) => child.kill(s), stderr: () => `${err}\nSTDOUT:\n${all}` };
}

function packets(text: string): unknown[] {
  return text.split('\n').flatMap((l) => {
    try {
      return [JSON.parse(l) as unknown];
    } catch {
      return []; // a torn line
    }
  });
}

async function readPackets(workDir: string, queue: 'inputs' | 'results'): Promise<unknown[]> {
  return packets(await fs.readFile(path.join(workDir, queue, 'packets.jsonl'), 'utf8').catch(() => ''));
}

/**
 * Problems left: an input (acknowledged or merely durable) or a result not answered by exactly one batch,
 * a task finished twice, a batch id reused; with `done`, also a task a batch created that has not succeeded.
 */
async function check(workDir: string, accepted: readonly string[], done: boolean): Promise<string[]> {
  const problems: string[] = [];
  const replies = (await historyLines(workDir)).filter((m) => m.batch);
  const byBatch = new Map<string, string>();
  for (const r of replies) {
    const key = JSON.stringify(r.batch);
    const seen = byBatch.get(r.batch!.id);
    if (seen !== undefined && seen !== key) problems.push(`batch id ${r.batch!.id} reused for different batches`);
    byBatch.set(r.batch!.id, key);
  }
  const answeredBy = (id: string, field: 'inputIds' | 'resultIds') => new Set(replies.filter((r) => r.batch![field].includes(id)).map((r) => r.batch!.id)).size;
  const inputIds = new Set([...accepted, ...(await readPackets(workDir, 'inputs')).map((p) => (p as { id: string }).id)]);
  for (const id of inputIds) if (answeredBy(id, 'inputIds') !== 1) problems.push(`input ${id} answered by ${answeredBy(id, 'inputIds')} batches`);
  const results = (await readPackets(workDir, 'results')).flatMap((p) => {
    const parsed = resultPacketSchema.safeParse(p);
    return parsed.success ? [parsed.data] : [];
  });
  for (const p of results) if (answeredBy(p.id, 'resultIds') !== 1) problems.push(`result ${p.id} consumed by ${answeredBy(p.id, 'resultIds')} batches`);
  const perTask = new Map<string, number>();
  for (const p of results) perTask.set(p.payload.taskId, (perTask.get(p.payload.taskId) ?? 0) + 1);
  for (const [task, n] of perTask) if (n > 1) problems.push(`task ${task} finished ${n} times`);
  if (done) {
    const snapshot = runtimeSnapshotSchema.parse(JSON.parse(await fs.readFile(path.join(workDir, 'runtime-snapshot.json'), 'utf8')));
    for (const r of replies.filter((m) => m.batch!.actions.some((a) => a.name === 'create_task'))) {
      const task = snapshot.tasks.find((t) => t.id === `t-${r.batch!.id}-1`);
      if (task?.status !== 'succeeded') problems.push(`task t-${r.batch!.id}-1 is ${task?.status ?? 'missing'}`);
    }
  }
  return problems;
}

describe('crash safety', () => {
  it('survives SIGKILL at random points: inputs answered once, results consumed once, tasks finished once', { timeout: 300_000 }, async () => {
    h = await startHarness();
    h.script([
      { match: { contains: '<M:results>' }, reply: { text: 'Noted the result.', latencyMs: 40 } },
      { match: { contains: '<M:inputs>' }, reply: { text: 'On it.\n<M:create_task prompt="WORK job" title="Job" profile="standard"/>', latencyMs: 60 } },
      { match: { contains: 'WORK job' }, reply: { text: 'worked', latencyMs: 120 } },
    ]);
    const accepted: string[] = [];
    // CRASH_SEED / CRASH_CYCLES allow longer local stress runs with other crash points.
    let seed = Number(process.env.CRASH_SEED ?? 12345);
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let cycle = 0; cycle < Number(process.env.CRASH_CYCLES ?? 6); cycle++) {
      const run = runChild(h, 2);
      await run.started;
      await new Promise((r) => setTimeout(r, Math.floor(random() * 700))); // the random crash point
      run.kill('SIGKILL');
      const { signal, code } = await run.exit;
      expect({ signal, code }, run.stderr()).toEqual({ signal: 'SIGKILL', code: null }); // alive until killed
      accepted.push(...run.accepted);
      const snapshot = JSON.parse(await fs.readFile(path.join(h.workDir, 'runtime-snapshot.json'), 'utf8')) as unknown;
      expect(runtimeSnapshotSchema.safeParse(snapshot).success).toBe(true);
    }
    expect(accepted.length).toBeGreaterThan(0);

    const last = runChild(h, 1);
    await last.started;
    const all = () => [...accepted, ...last.accepted];
    await waitUntil(async () => last.accepted.length === 1 && (await check(h!.workDir, all(), true)).length === 0, 20_000, 'everything answered and every task done').catch(async (e: Error) => {
      throw new Error(`${e.message}: ${(await check(h!.workDir, all(), true)).join('; ')}\n${last.stderr()}`);
    });
    last.kill('SIGTERM');
    const lastExit = await last.exit;
    expect(lastExit, last.stderr()).toEqual({ code: 0, signal: null });
    expect(await check(h.workDir, all(), false)).toEqual([]);
  });
});
