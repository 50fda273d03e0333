/**
 * A failed manager call does not lose the batch: the input stays pending and visible, the user sees ONE
 * system message per failure streak (never an echo of their text), retries back off, and once the model
 * answers again the input is answered exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { historyLines } from './history-lines.js';
import { nextEvent, replyTo, startHarness, until, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a failing model', () => {
  it('500s (RouteCodex attempts exhausted): input pending, one message, no echo; answered exactly once after recovery', async () => {
    h = await startHarness({ maxAttempts: 2 });
    h.script([{ match: { contains: 'FAIL-ME' }, reply: { fault: { status: 500, message: 'upstream exploded' } } }]);
    const rt = await h.open();
    await rt.start();
    const notice = nextEvent(rt, 'message', (e) => e.message.role === 'system' && e.message.text.includes('could not get an answer'));
    const { id } = await rt.addInput({ text: 'FAIL-ME please' });
    expect((await notice).message.visibility).toBe('user');
    await h.fake.waitForRequests(6, 10_000); // three manager tries, two upstream attempts each

    const messages = await rt.messages();
    expect(messages.filter((m) => m.role === 'system' && m.text.includes('could not get an answer'))).toHaveLength(1);
    expect(messages.filter((m) => m.role === 'agent')).toEqual([]);
    expect(messages.find((m) => m.id === id)).toMatchObject({ pending: true, text: 'FAIL-ME please' });
    expect(rt.status().pendingInputs).toBe(1);

    h.script([{ match: { contains: 'FAIL-ME' }, reply: { text: 'Sorry for the wait: here it is.' } }]);
    expect(await replyTo(rt, id, 10_000)).toBe('Sorry for the wait: here it is.');
    await until(rt, () => rt.status().pendingInputs === 0 && !rt.status().managerRunning, 'the batch to end');
    const replies = (await historyLines(h.workDir)).filter((m) => m.batch?.inputIds.includes(id));
    expect(replies).toHaveLength(1);
    expect((await rt.messages()).filter((m) => m.text === 'FAIL-ME please')).toHaveLength(1);
  });

  it('a non-transient error (bad request) gets one clear message and is retried on the next wake', async () => {
    h = await startHarness();
    h.script([{ match: { contains: 'BAD-REQ' }, reply: { fault: { status: 400, message: 'unsupported parameter' } } }]);
    const rt = await h.open();
    await rt.start();
    const notice = nextEvent(rt, 'message', (e) => e.message.role === 'system' && e.message.text.includes('model request failed'));
    const first = await rt.addInput({ text: 'BAD-REQ one' });
    expect((await notice).message.text).toContain('unsupported parameter');
    h.script([{ match: { contains: 'BAD-REQ' }, reply: { text: 'Both answered.' } }]);
    const second = await rt.addInput({ text: 'BAD-REQ two' });
    expect(await replyTo(rt, second.id)).toBe('Both answered.');
    expect(await replyTo(rt, first.id)).toBe('Both answered.'); // one batch answered both
  });
});
