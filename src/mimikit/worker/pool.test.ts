import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../routecodex/testing/fake-upstream/index.js';
import { LlmClient } from '../llm/client.js';
import { createAttemptRunner } from './attempt-runner.js';
import { backoffDelay } from './backoff.js';
import { WorkerPool, type TaskOutcome, type WorkerPoolOptions } from './pool.js';
import { deferred, isGone, makeTempWork, processGroupMembers, waitUntil, type TempWork } from './test-support.js';
import { killProcessGroup } from './tools/shell.js';
import type { WorkerProfile, WorkerProgressEvent, WorkerTask } from './types.js';

const profile: WorkerProfile = { model: 'worker-model', timeoutMs: 10_000 };
const task = (id: string, prompt = `task ${id}`): WorkerTask => ({ id, prompt });
const sessionOf = (id: string) => ({ header: { name: 'x-session-id', value: `mimikit-task-${id}` } });

describe('WorkerPool (real LlmClient against the fake upstream)', () => {
  let fake: FakeUpstream;
  let client: LlmClient;
  let work: TempWork;
  let pool: WorkerPool | undefined;
  let outcomes: Map<string, ReturnType<typeof deferred<TaskOutcome>>>;
  let starts: Array<[string, number]>;
  let progress: Array<[string, WorkerProgressEvent]>;
  const leaders: number[] = [];

  beforeEach(async () => {
    fake = await startFakeUpstream({ port: 0 });
    client = new LlmClient({ baseURL: `${fake.url}/v1` });
    work = await makeTempWork();
    outcomes = new Map();
    starts = [];
    progress = [];
  });
  afterEach(async () => {
    await pool?.stop();
    pool = undefined;
    for (const pgid of leaders.splice(0)) if (pgid > 0) killProcessGroup(pgid, 'SIGKILL');
    await client.close();
    await fake.close();
    await work.cleanup();
  });

  const outcomeOf = (id: string) => {
    let d = outcomes.get(id);
    if (!d) outcomes.set(id, (d = deferred<TaskOutcome>()));
    return d;
  };
  function makePool(over: Partial<WorkerPoolOptions<WorkerTask>> = {}): WorkerPool {
    pool = new WorkerPool({
      maxConcurrent: 2,
      retry: { maxAttempts: 1, backoffMs: 10 },
      runAttempt: createAttemptRunner({
        model: client,
        dirs: work,
        maxToolRounds: 5,
        systemPrompt: (t) => `You work on ${t.id}.`,
        progress: (id, e) => void progress.push([id, e]),
        trace: () => {},
        limits: { killGraceMs: 200 },
      }),
      onStart: (t, attempt) => {
        starts.push([t.id, attempt]);
      },
      onFinished: (t, outcome) => outcomeOf(t.id).resolve(outcome),
      ...over,
    });
    return pool;
  }

  it('never runs more than maxConcurrent tasks at once, and starts queued ones as slots free', async () => {
    fake.setScript({ rules: [{ reply: { text: 'done', latencyMs: 150 } }] });
    let current = 0;
    let peak = 0;
    const p = makePool({
      maxConcurrent: 2,
      onStart: (t) => {
        starts.push([t.id, 1]);
        peak = Math.max(peak, ++current);
      },
      onFinished: (t, outcome) => {
        current -= 1;
        outcomeOf(t.id).resolve(outcome);
      },
    });
    const ids = ['a', 'b', 'c', 'd', 'e'];
    for (const id of ids) expect(p.enqueue(task(id), profile)).toBe(true);
    expect(p.enqueue(task('a'), profile)).toBe(false);
    await Promise.resolve();
    expect(p.stats()).toEqual({ running: 2, pending: 3 });
    const results = await Promise.all(ids.map((id) => outcomeOf(id).promise));
    expect(results.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(results[0]).toMatchObject({ output: 'done', attempts: 1 });
    expect(peak).toBe(2);
    expect(starts.map(([id]) => id)).toEqual(ids);
    await waitUntil(() => p.stats().running === 0, 1_000, 'the pool to be idle');
    expect(p.stats()).toEqual({ running: 0, pending: 0 });
  });

  it('a pending task canceled never starts; unknown ids are not_found', async () => {
    fake.setScript({ rules: [{ reply: { text: 'A done', latencyMs: 200 } }] });
    const p = makePool({ maxConcurrent: 1 });
    p.enqueue(task('A'), profile);
    p.enqueue(task('B'), profile);
    expect(p.cancel('B', { source: 'user', reason: 'changed my mind' })).toBe('pending');
    expect(p.cancel('B', { source: 'user' })).toBe('not_found');
    expect(p.cancel('nope', { source: 'user' })).toBe('not_found');
    expect(await outcomeOf('B').promise).toEqual({
      status: 'canceled',
      output: 'Task canceled by user: changed my mind',
      attempts: 0,
      durationMs: 0,
      cancel: { source: 'user', reason: 'changed my mind' },
    });
    expect(await outcomeOf('A').promise).toMatchObject({ status: 'succeeded', output: 'A done' });
    await waitUntil(() => p.stats().running === 0, 1_000, 'the pool to be idle');
    expect(starts).toEqual([['A', 1]]);
    expect(fake.requests().map((r) => r.headers['x-session-id'])).toEqual(['mimikit-task-A']);
  });

  it('times an attempt out, and a timeout is retried like a transient failure', async () => {
    fake.setScript({ rules: [{ match: { contains: 'slow' }, reply: { text: 'never', latencyMs: 10_000 } }, { times: 1, reply: { text: 'late', latencyMs: 10_000 } }, { reply: { text: 'quick' } }] });
    const p = makePool({ retry: { maxAttempts: 2, backoffMs: 10 } });
    const started = Date.now();
    p.enqueue(task('slow', 'slow task'), { ...profile, timeoutMs: 300 });
    p.enqueue(task('flaky'), { ...profile, timeoutMs: 300 });
    const slow = await outcomeOf('slow').promise;
    expect(slow).toMatchObject({ status: 'failed', attempts: 2, error: 'attempt 2 timed out after 300 ms (after 2 attempts)' });
    expect(slow.output).toBe(slow.error);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await outcomeOf('flaky').promise).toMatchObject({ status: 'succeeded', output: 'quick', attempts: 2 });
  });

  it('retries a transient 500, then succeeds, summing usage', async () => {
    fake.setScript({ rules: [{ times: 1, reply: { fault: { status: 500, message: 'upstream hiccup' } } }, { reply: { text: 'ok now', usage: { input: 7, output: 3 } } }] });
    const p = makePool({ retry: { maxAttempts: 3, backoffMs: 20 } });
    p.enqueue(task('r'), profile);
    expect(await outcomeOf('r').promise).toMatchObject({ status: 'succeeded', output: 'ok now', attempts: 2, usage: { input: 7, output: 3, total: 10 } });
    expect(starts).toEqual([
      ['r', 1],
      ['r', 2],
    ]);
    expect(fake.requests()).toHaveLength(2);
  });

  it('does not retry a 400, and gives up on transient failures after maxAttempts', async () => {
    fake.setScript({ rules: [{ match: { contains: 'bad' }, reply: { fault: { status: 400, message: 'malformed' } } }, { reply: { fault: { status: 503 } } }] });
    const p = makePool({ retry: { maxAttempts: 3, backoffMs: 5 } });
    p.enqueue(task('bad', 'bad request'), profile);
    p.enqueue(task('down', 'upstream down'), profile);
    const bad = await outcomeOf('bad').promise;
    expect(bad).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/bad_request.*malformed/) });
    const down = await outcomeOf('down').promise;
    expect(down).toMatchObject({ status: 'failed', attempts: 3, error: expect.stringMatching(/^model call failed \(unavailable\).*\(after 3 attempts\)$/) });
    const perTask = (id: string) => fake.requests().filter((r) => r.headers['x-session-id'] === `mimikit-task-${id}`).length;
    expect([perTask('bad'), perTask('down')]).toEqual([1, 3]);
  });

  it('cancel kills the running shell tool’s whole process tree within 2 s, and is never retried', async () => {
    const pidFile = path.join(work.workspaceDir, 'tree.pid');
    const nodeChild = `node -e "require('child_process').spawn('sleep', ['300'], {stdio: 'ignore'}); setInterval(() => {}, 1000)"`;
    const command = `sh -c 'sleep 300 & sleep 300 & wait' & ${nodeChild} & echo $$ > tree.pid; wait`;
    fake.setScript({ rules: [{ times: 1, match: sessionOf('tree'), reply: { toolCalls: [{ name: 'shell', arguments: { command } }] } }, { reply: { text: 'should not be asked' } }] });
    const p = makePool({ retry: { maxAttempts: 3, backoffMs: 5 } });
    p.enqueue(task('tree'), profile);

    let pgid = 0;
    await waitUntil(async () => /^\d+\n$/.test(await readFile(pidFile, 'utf8').catch(() => '')), 10_000, 'the shell to start');
    pgid = Number((await readFile(pidFile, 'utf8')).trim());
    leaders.push(pgid);
    let members: number[] = [];
    // outer sh, inner sh + 2 sleeps, node + its sleep
    await waitUntil(async () => (members = await processGroupMembers(pgid)).length >= 6, 10_000, 'the whole process tree');
    expect(await Promise.all(members.map(isGone))).toEqual(members.map(() => false));

    const canceledAt = Date.now();
    expect(p.cancel('tree', { source: 'manager', reason: 'superseded' })).toBe('running');
    const outcome = await outcomeOf('tree').promise;
    await waitUntil(async () => (await Promise.all(members.map(isGone))).every(Boolean), 2_000 - (Date.now() - canceledAt), 'every process of the tree to end');
    expect(Date.now() - canceledAt).toBeLessThan(2_000);
    expect(outcome).toMatchObject({ status: 'canceled', attempts: 1, cancel: { source: 'manager', reason: 'superseded' }, output: 'Task canceled by manager: superseded' });
    expect(fake.requests()).toHaveLength(1);
    expect(progress.filter(([, e]) => e.type === 'tool_end').map(([, e]) => e.payload)).toMatchObject([{ name: 'shell', ok: false }]);
  });

  it('a cancel during the retry backoff ends the task at once', async () => {
    fake.setScript({ rules: [{ reply: { fault: { status: 500 } } }] });
    const attemptFailed = deferred<void>();
    const p = makePool({
      retry: { maxAttempts: 3, backoffMs: 60_000 },
      runAttempt: async (t, ctx) => {
        const result = await createAttemptRunner({ model: client, dirs: work, maxToolRounds: 1, systemPrompt: () => 's', progress: () => {}, trace: () => {} })(t, ctx);
        attemptFailed.resolve();
        return result;
      },
    });
    p.enqueue(task('wait'), profile);
    await attemptFailed.promise;
    const canceledAt = Date.now();
    expect(p.cancel('wait', { source: 'system' })).toBe('running');
    expect(await outcomeOf('wait').promise).toMatchObject({ status: 'canceled', attempts: 1, output: 'Task canceled by system' });
    expect(Date.now() - canceledAt).toBeLessThan(1_000);
  });

  it('stop() aborts running attempts, drops pending ones, reports them all and finishes none', async () => {
    fake.setScript({ rules: [{ reply: { text: 'slow', latencyMs: 10_000 } }] });
    let finished = 0;
    const p = makePool({ maxConcurrent: 1, onFinished: () => void (finished += 1) });
    p.enqueue(task('run'), profile);
    p.enqueue(task('wait'), profile);
    await fake.waitForRequests(1);
    const stoppedAt = Date.now();
    expect((await p.stop()).sort()).toEqual(['run', 'wait']);
    expect(Date.now() - stoppedAt).toBeLessThan(1_000);
    expect(finished).toBe(0);
    expect(p.stats()).toEqual({ running: 0, pending: 0 });
    expect(p.enqueue(task('late'), profile)).toBe(false);
  });

  it('rejects impossible settings', () => {
    expect(() => makePool({ maxConcurrent: 0 })).toThrow(/maxConcurrent/);
    expect(() => makePool({ retry: { maxAttempts: 0, backoffMs: 1 } })).toThrow(/maxAttempts/);
    pool = undefined;
  });
});

describe('backoffDelay', () => {
  it('doubles from backoffMs and is capped', () => {
    const policy = { maxAttempts: 10, backoffMs: 100, maxBackoffMs: 500 };
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a))).toEqual([100, 200, 400, 500, 500]);
    expect(backoffDelay({ maxAttempts: 3, backoffMs: 5_000 }, 10)).toBe(60_000);
  });
});
