/**
 * A scripted conversation through a real RouteCodex: a plain reply; a delegated task whose worker writes
 * a file with a tool and whose result the manager reports; a scheduled task that fires and is answered;
 * idle wake-ups, exactly one per idle window.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nextEvent, replyTo, startHarness, until, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a scripted conversation', () => {
  it('replies, delegates a task that uses a tool, and reports its result', async () => {
    h = await startHarness();
    h.script([
      { match: { contains: 'RESULT-MARK' }, times: 1, reply: { text: 'Done: I wrote hello.txt for you.' } },
      { match: { contains: 'WORKER-WRITE' }, times: 1, reply: { toolCalls: [{ name: 'write_file', arguments: { path: 'hello.txt', content: 'hello from the worker' } }] } },
      { match: { contains: 'WORKER-WRITE' }, times: 1, reply: { text: 'Wrote hello.txt RESULT-MARK' } },
      { match: { contains: 'MAKE-FILE' }, times: 1, reply: { chunkSize: 3, text: 'On it, writing now.\n<M:create_task prompt="WORKER-WRITE: write hello.txt" title="Write file" profile="standard"/>' } },
      { match: { contains: 'HELLO-1' }, times: 1, reply: { text: 'Hi there!' } },
    ]);
    const rt = await h.open();
    await rt.start();

    const hello = await rt.addInput({ text: 'HELLO-1' });
    expect(await replyTo(rt, hello.id)).toBe('Hi there!');

    const streamed: string[] = [];
    const stopStreams = rt.events.subscribe(undefined, (e) => e.kind === 'stream' && streamed.push(e.delta));
    const streamEnd = nextEvent(rt, 'stream_end', (e) => e.reason === 'committed');
    const make = await rt.addInput({ text: 'MAKE-FILE please' });
    expect(await replyTo(rt, make.id)).toBe('On it, writing now.');
    expect((await streamEnd).messageId).toMatch(/^agent-b\d+$/);
    stopStreams();
    expect(streamed.length).toBeGreaterThan(3); // it really streamed, in small deltas
    expect(streamed.join('')).toBe('On it, writing now.'); // visible text only: never the action zone
    await until(rt, async () => (await rt.messages({ limit: 100 })).some((m) => m.text.startsWith('Done: I wrote hello.txt')), 'the follow-up reply');

    expect(await fs.readFile(path.join(h.workDir, 'workspace', 'hello.txt'), 'utf8')).toBe('hello from the worker');
    const [task] = rt.tasks();
    expect(task).toMatchObject({ kind: 'task', status: 'succeeded', title: 'Write file', profile: 'standard', attempts: 1 });
    expect(await rt.taskArchive(task!.id)).toContain('Wrote hello.txt RESULT-MARK');
    expect((await rt.taskProgress(task!.id))?.map((e) => e.type)).toEqual(expect.arrayContaining(['attempt_start', 'tool_start', 'tool_end', 'attempt_end']));
    const texts = (await rt.messages({ limit: 100 })).map((m) => `${m.role}: ${m.text.split('\n')[0]}`);
    expect(texts).toEqual([
      expect.stringMatching(/^system: Started/),
      'user: HELLO-1',
      'agent: Hi there!',
      'user: MAKE-FILE please',
      'agent: On it, writing now.',
      'system: Task created · Write file',
      'system: Task done · Write file',
      'agent: Done: I wrote hello.txt for you.',
    ]);
    await until(rt, () => !rt.status().managerRunning, 'the batch to end');
    expect(rt.status()).toMatchObject({ agentStatus: 'idle', managerRunning: false, pendingInputs: 0, tasks: { succeeded: 1, pending: 0, running: 0 } });
  });

  it('a task scheduled one second ahead fires as a cron input and is answered', async () => {
    h = await startHarness();
    const at = new Date(Date.now() + 1_200).toISOString();
    h.script([
      { match: { contains: 'Scheduled task due: Stretch' }, times: 1, reply: { text: 'Time to stretch!' } },
      { match: { contains: 'SCHEDULE-IT' }, times: 1, reply: { text: 'I will remind you.\n<M:create_task prompt="Remind the user to stretch." title="Stretch" scheduled_at="' + at + '"/>' } },
    ]);
    const rt = await h.open();
    await rt.start();
    const fired = nextEvent(rt, 'input', (e) => e.message.id.startsWith('cron-'));
    const { id } = await rt.addInput({ text: 'SCHEDULE-IT in a second' });
    expect(await replyTo(rt, id)).toBe('I will remind you.');
    const cron = await fired;
    expect(cron.message).toMatchObject({ role: 'system', visibility: 'all', pending: true });
    expect(await replyTo(rt, cron.message.id)).toBe('Time to stretch!');
    const [job] = rt.tasks();
    expect(job).toMatchObject({ kind: 'cron', status: 'succeeded', schedule: { enabled: false, disabledReason: 'completed', scheduledAt: at } });
    expect(cron.message.id).toBe(`cron-${job!.id}-${Date.parse(at)}`);
  });

  it('idle fires once per idle window; activity opens a new window', async () => {
    const afterMs = 400;
    h = await startHarness({ configure: (c) => (c.idle.afterMs = afterMs) });
    h.script([
      { match: { contains: 'PING' }, times: 1, reply: { text: 'pong' } },
      { match: { contains: 'Idle for a while' }, reply: { text: 'All quiet.' } },
    ]);
    const rt = await h.open();
    const idleInputs = async () => (await rt.messages({ limit: 100 })).filter((m) => m.id.startsWith('idle-'));
    await rt.start();
    const first = await nextEvent(rt, 'input', (e) => e.message.id.startsWith('idle-'));
    expect(await replyTo(rt, first.message.id)).toBe('All quiet.');
    // Nothing marks "no second idle" as an event: give a second one the time it would need.
    await new Promise((r) => setTimeout(r, afterMs * 3));
    expect((await idleInputs()).map((m) => m.id)).toEqual([first.message.id]);

    const ping = await rt.addInput({ text: 'PING' });
    expect(await replyTo(rt, ping.id)).toBe('pong');
    const second = await nextEvent(rt, 'input', (e) => e.message.id.startsWith('idle-'));
    expect(second.message.id).not.toBe(first.message.id);
    expect(await replyTo(rt, second.message.id)).toBe('All quiet.');
    expect(await idleInputs()).toHaveLength(2);
  });
});
