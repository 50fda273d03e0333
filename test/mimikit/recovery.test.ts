/**
 * Crash windows of the commit protocol (docs/mimikit-design.md §2–5), produced by putting back an older
 * snapshot or tearing a line, as a crash at that point would leave the files. After each, the runtime
 * opens, answers every input exactly once, loses no result and runs no finished task again.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from '../../src/mimikit/worker/test-support.js';
import { nextEvent, replyTo, startHarness, until, type Harness } from './harness.js';
import { historyLines, workerRequests } from './history-lines.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const snapshotFile = (harness: Harness) => path.join(harness.workDir, 'runtime-snapshot.json');

describe('recovery', () => {
  it('reply durable, snapshot not saved: the batch is re-applied, not answered again', async () => {
    h = await startHarness();
    const empty = await h.open();
    await empty.stop();
    const before = await fs.readFile(snapshotFile(h), 'utf8');
    h.script([
      { match: { contains: 'AFTER-CRASH' }, times: 1, reply: { fault: { hangBeforeHeaders: true } } },
      { match: { contains: 'CRASH-1' }, times: 1, reply: { text: 'Made it.\n<M:create_task prompt="AFTER-CRASH job" title="After crash" profile="standard"/>' } },
    ]);
    const first = await h.open();
    await first.start();
    const { id } = await first.addInput({ text: 'CRASH-1' });
    expect(await replyTo(first, id)).toBe('Made it.');
    await first.stop();
    await fs.writeFile(snapshotFile(h), before); // the crash came before the snapshot of the batch

    h.script([
      { match: { contains: 'AFTER-MARK' }, times: 1, reply: { text: 'Reported.' } },
      { match: { contains: 'AFTER-CRASH' }, times: 1, reply: { text: 'done AFTER-MARK' } },
    ]);
    const second = await h.open();
    expect(second.recovery).toMatchObject({ reappliedBatches: ['b1'], pendingInputs: 0 });
    expect(second.tasks()).toMatchObject([{ id: 't-b1-1', status: 'pending', title: 'After crash' }]);
    await second.start();
    await until(second, async () => (await second.messages()).some((m) => m.text === 'Reported.'), 'the task result');
    const lines = await historyLines(h.workDir);
    expect(lines.filter((m) => m.batch?.inputIds.includes(id))).toHaveLength(1);
    expect((await second.messages()).filter((m) => m.text.startsWith('Task created · After crash'))).toHaveLength(1);
    expect(second.task('t-b1-1')?.status).toBe('succeeded');
  });

  it('result packet durable, task still "running" in the snapshot: the task is finished from its result, never run again', async () => {
    h = await startHarness();
    h.script([
      { match: { contains: 'D2-MARK' }, reply: { fault: { status: 500, message: 'manager down' } } },
      { match: { contains: 'D2-WORKER' }, times: 1, reply: { text: 'D2 result D2-MARK', latencyMs: 300 } },
      { match: { contains: 'D2-TASK' }, times: 1, reply: { text: 'Ok.\n<M:create_task prompt="D2-WORKER job" title="D2" profile="standard"/>' } },
    ]);
    const first = await h.open();
    await first.start();
    await first.addInput({ text: 'D2-TASK' });
    let running = '';
    await waitUntil(async () => (running = await fs.readFile(snapshotFile(h!), 'utf8')).includes('"status": "running"'), 10_000, 'a snapshot with the task running');
    const failed = nextEvent(first, 'message', (e) => e.message.text.includes('could not get an answer'));
    await failed;
    const [task] = first.tasks();
    expect(task?.status).toBe('succeeded');
    await first.stop();
    await fs.writeFile(snapshotFile(h), running); // the crash came after the result packet, before the task's snapshot

    h.script([{ match: { contains: 'D2-MARK' }, reply: { text: 'D2 reported.' } }]);
    const second = await h.open();
    expect(second.recovery).toMatchObject({ finishedFromResults: [task!.id], interrupted: [] });
    expect(second.task(task!.id)?.status).toBe('succeeded');
    await second.start();
    await until(second, async () => (await second.messages()).some((m) => m.text === 'D2 reported.'), 'the result to be consumed');
    expect(workerRequests(h, 'D2-WORKER')).toHaveLength(1);
  });

  it('a torn reply line: the batch runs again and the input is answered once', async () => {
    h = await startHarness();
    const empty = await h.open();
    await empty.stop();
    const before = await fs.readFile(snapshotFile(h), 'utf8');
    h.script([{ match: { contains: 'TORN-1' }, reply: { text: 'Answer.' } }]);
    const first = await h.open();
    await first.start();
    const { id } = await first.addInput({ text: 'TORN-1' });
    expect(await replyTo(first, id)).toBe('Answer.');
    await first.stop();
    const [day] = await fs.readdir(path.join(h.workDir, 'history'));
    const file = path.join(h.workDir, 'history', day!);
    const text = await fs.readFile(file, 'utf8');
    const replyAt = text.lastIndexOf('{"id":"agent-b1"');
    await fs.writeFile(file, text.slice(0, replyAt + 40)); // the write stopped inside the reply line
    await fs.writeFile(snapshotFile(h), before);

    const second = await h.open();
    expect(second.recovery).toMatchObject({ pendingInputs: 1, reappliedBatches: [] });
    await second.start();
    expect(await replyTo(second, id)).toBe('Answer.');
    await until(second, () => second.status().pendingInputs === 0 && !second.status().managerRunning, 'the batch');
    expect((await historyLines(h.workDir)).filter((m) => m.batch?.inputIds.includes(id))).toHaveLength(1);
    expect((await second.messages()).filter((m) => m.id === id)).toHaveLength(1);
  });

  it('a cron input repeated after a crash (same id, first copy answered) is not answered again', async () => {
    h = await startHarness();
    const at = new Date(Date.now() + 800).toISOString();
    h.script([
      { match: { contains: 'Scheduled task due' }, reply: { text: 'Reminder!' } },
      { match: { contains: 'REMIND-ME' }, times: 1, reply: { text: 'Will do.\n<M:create_task prompt="Remind." title="Reminder" scheduled_at="' + at + '"/>' } },
    ]);
    const first = await h.open();
    await first.start();
    const fired = nextEvent(first, 'input', (e) => e.message.id.startsWith('cron-'));
    await first.addInput({ text: 'REMIND-ME' });
    const cronId = (await fired).message.id;
    expect(await replyTo(first, cronId)).toBe('Reminder!');
    await first.stop();
    const inputs = path.join(h.workDir, 'inputs', 'packets.jsonl');
    const copy = (await fs.readFile(inputs, 'utf8')).split('\n').find((l) => l.includes(`"id":"${cronId}"`));
    await fs.appendFile(inputs, `${copy}\n`);

    const second = await h.open();
    expect(second.recovery.pendingInputs).toBe(0);
    expect(second.status().pendingInputs).toBe(0);
    const snapshot = JSON.parse(await fs.readFile(snapshotFile(h), 'utf8')) as { queues: { inputsCursor: number } };
    expect(snapshot.queues.inputsCursor).toBe(3);
    expect((await historyLines(h.workDir)).filter((m) => m.batch?.inputIds.includes(cronId))).toHaveLength(1);
  });

  it('a cron fire missed while mimikit was down fires once on start, recorded as a catch-up', async () => {
    h = await startHarness();
    h.script([{ match: { contains: 'Scheduled task due: Yearly' }, reply: { text: 'Happy new year (late).' } }]);
    const empty = await h.open();
    await empty.stop();
    const snapshot = JSON.parse(await fs.readFile(snapshotFile(h), 'utf8')) as { cronJobs: unknown[] };
    const createdAt = new Date(Date.now() - 3 * 365 * 86_400_000).toISOString();
    snapshot.cronJobs.push({ id: 't-b0-1', cron: '0 0 0 1 1 *', timeZone: 'UTC', prompt: 'Wish a happy new year.', title: 'Yearly', profile: 'standard', enabled: true, createdAt });
    await fs.writeFile(snapshotFile(h), JSON.stringify(snapshot));
    const lastNewYear = Date.UTC(new Date().getUTCFullYear(), 0, 1);

    const first = await h.open();
    const fired = nextEvent(first, 'input', (e) => e.message.id.startsWith('cron-t-b0-1-'));
    await first.start();
    const input = (await fired).message;
    expect(input.id).toBe(`cron-t-b0-1-${lastNewYear}`); // once, for the latest missed fire
    expect(input.text).toContain('missed, run once now');
    expect(input.text).toContain('"catch_up":true');
    expect(await replyTo(first, input.id)).toBe('Happy new year (late).');
    expect(first.task('t-b0-1')?.schedule).toMatchObject({ enabled: true, catchUps: 1, lastTriggeredAt: new Date(lastNewYear).toISOString() });
    await first.stop();

    const second = await h.open();
    await second.start();
    await until(second, () => second.status().managerRunning === false, 'idle');
    expect((await second.messages()).filter((m) => m.id.startsWith('cron-'))).toHaveLength(1);
    expect(second.task('t-b0-1')?.schedule?.catchUps).toBe(1);
  });
});
