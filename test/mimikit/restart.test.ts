/**
 * Stop and reopen on the same work dir: stop() waits for the in-flight batch; a new runtime has a new id and
 * loses nothing; a task that was running comes back pending and completes; a result published but not yet
 * consumed is consumed exactly once, and its task does not run again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent, replyTo, startHarness, until, type Harness } from './harness.js';
import { historyLines, workerRequests } from './history-lines.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('restart', () => {
  it('stop() during a batch waits for it; the reopened runtime has a new id and the whole conversation', async () => {
    h = await startHarness();
    h.script([{ match: { contains: 'SLOW-1' }, reply: { text: 'Slow answer.', latencyMs: 600 } }]);
    const first = await h.open();
    await first.start();
    const running = nextEvent(first, 'status', (e) => e.status.managerRunning);
    const { id } = await first.addInput({ text: 'SLOW-1' });
    await running;
    await h.fake.waitForRequests(1);
    await first.stop();
    expect(first.status()).toMatchObject({ managerRunning: false, pendingInputs: 0 });
    expect((await historyLines(h.workDir)).filter((m) => m.batch?.inputIds.includes(id))).toHaveLength(1); // committed before stop() resolved

    const second = await h.open();
    expect(second.runtimeId).not.toBe(first.runtimeId);
    expect(second.recovery).toMatchObject({ pendingInputs: 0, reappliedBatches: [] });
    await second.start();
    expect(await replyTo(second, id)).toBe('Slow answer.');
    expect((await historyLines(h.workDir)).filter((m) => m.batch?.inputIds.includes(id))).toHaveLength(1);
  });

  it('stop() does not wait forever: past its deadline the model call is aborted and the input stays pending', async () => {
    h = await startHarness();
    h.script([{ match: { contains: 'HANG-MANAGER' }, times: 1, reply: { fault: { hangBeforeHeaders: true } } }]);
    const first = await h.open({ stopBatchTimeoutMs: 300 });
    await first.start();
    const { id } = await first.addInput({ text: 'HANG-MANAGER' });
    await h.fake.waitForRequests(1);
    const started = Date.now();
    await first.stop();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(first.status().pendingInputs).toBe(1);
    await expect(first.addInput({ text: 'too late' })).rejects.toThrow(/stopping/);

    h.script([{ match: { contains: 'HANG-MANAGER' }, reply: { text: 'Answered after the restart.' } }]);
    const second = await h.open();
    expect(second.recovery.pendingInputs).toBe(1);
    await second.start();
    expect(await replyTo(second, id)).toBe('Answered after the restart.');
  });

  it('a running task is interrupted by stop(), comes back pending, and completes after the restart', async () => {
    h = await startHarness();
    h.script([
      { match: { contains: 'HANG-WORKER' }, times: 1, reply: { fault: { hangBeforeHeaders: true } } },
      { match: { contains: 'LONG-TASK' }, times: 1, reply: { text: 'Working on it.\n<M:create_task prompt="HANG-WORKER job" title="Long" profile="standard"/>' } },
    ]);
    const first = await h.open();
    await first.start();
    expect(await replyTo(first, (await first.addInput({ text: 'LONG-TASK' })).id)).toBe('Working on it.');
    const [task] = first.tasks();
    await until(first, () => first.task(task!.id)?.status === 'running', 'the task to run');
    await h.fake.waitForRequests(2); // the manager's call and the worker's (hanging) call
    await first.stop();
    expect(first.task(task!.id)).toMatchObject({ status: 'pending', attempts: 1 });

    h.script([
      { match: { contains: 'DONE-MARK' }, times: 1, reply: { text: 'The long job is done.' } },
      { match: { contains: 'HANG-WORKER' }, times: 1, reply: { text: 'finished after the restart DONE-MARK' } },
    ]);
    const second = await h.open();
    await second.start();
    await until(second, async () => (await second.messages()).some((m) => m.text === 'The long job is done.'), 'the follow-up');
    expect(second.task(task!.id)).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(workerRequests(h, 'HANG-WORKER')).toHaveLength(2);
  });

  it('a result published but not consumed (the manager failing) is consumed exactly once after a restart', async () => {
    h = await startHarness();
    h.script([
      { match: { contains: 'RESULT-Y' }, reply: { fault: { status: 500, message: 'manager down' } } },
      { match: { contains: 'QUICK-WORKER' }, times: 1, reply: { text: 'quick result RESULT-Y' } },
      { match: { contains: 'QUICK-TASK' }, times: 1, reply: { text: 'Sure.\n<M:create_task prompt="QUICK-WORKER job" title="Quick" profile="standard"/>' } },
    ]);
    const first = await h.open();
    await first.start();
    const failed = nextEvent(first, 'message', (e) => e.message.text.includes('could not get an answer'));
    await first.addInput({ text: 'QUICK-TASK' });
    await failed;
    const [task] = first.tasks();
    expect(first.task(task!.id)?.status).toBe('succeeded');
    await first.stop();

    h.script([{ match: { contains: 'RESULT-Y' }, reply: { text: 'Your quick result is in.' } }]);
    const second = await h.open();
    await second.start();
    await until(second, async () => (await second.messages()).some((m) => m.text === 'Your quick result is in.'), 'the result to be consumed');
    await until(second, () => !second.status().managerRunning, 'the batch to end');
    const consumers = (await historyLines(h.workDir)).filter((m) => m.batch?.resultIds.some((r) => r.startsWith(`r-${task!.id}-`)));
    expect(consumers).toHaveLength(1);
    expect(workerRequests(h, 'QUICK-WORKER')).toHaveLength(1);
  });
});
