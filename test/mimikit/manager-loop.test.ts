/**
 * The manager loop end to end: one batch at a time (never two model calls in flight), inputs arriving
 * during a batch form the next batch together; every manager call carries the conversation's RouteCodex
 * session id (kept across restarts), every worker call its task's.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LlmClient } from '../../src/mimikit/llm/client.js';
import type { ChatModel, ChatRequest } from '../../src/mimikit/llm/types.js';
import { historyLines } from './history-lines.js';
import { replyTo, startHarness, until, type Harness } from './harness.js';

let h: Harness | undefined;
const clients: LlmClient[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

/** The harness's model, counting manager calls in flight. */
function countingModel(inner: ChatModel): ChatModel & { maxInFlight: number; calls: ChatRequest[] } {
  let inFlight = 0;
  const model = {
    maxInFlight: 0,
    calls: [] as ChatRequest[],
    async chat(request: ChatRequest) {
      if (!request.sessionId.startsWith('mimikit-manager-')) return inner.chat(request);
      model.calls.push(request);
      model.maxInFlight = Math.max(model.maxInFlight, ++inFlight);
      try {
        return await inner.chat(request);
      } finally {
        inFlight--;
      }
    },
  };
  return model;
}

describe('the manager loop', () => {
  it('is single flight: inputs that arrive during a batch are answered together by the next one', async () => {
    h = await startHarness();
    h.script([
      { match: { contains: 'FIRST' }, times: 1, reply: { text: 'First answered.', latencyMs: 400 } },
      { reply: { text: 'Both answered.' } },
    ]);
    const model = countingModel(h.model);
    const rt = await h.open({ model });
    await rt.start();
    const first = await rt.addInput({ text: 'FIRST message' });
    await until(rt, () => rt.status().managerRunning, 'the first batch to start');
    const second = await rt.addInput({ text: 'second message' });
    const third = await rt.addInput({ text: 'third message' });
    expect(await replyTo(rt, first.id)).toBe('First answered.');
    expect(await replyTo(rt, third.id)).toBe('Both answered.');

    expect(model.maxInFlight).toBe(1);
    expect(model.calls).toHaveLength(2);
    const batches = (await historyLines(h.workDir)).flatMap((m) => (m.batch ? [m.batch] : []));
    expect(batches.map((b) => b.inputIds)).toEqual([[first.id], [second.id, third.id]]);
  });

  it('manager calls carry the conversation session id (kept across a restart); worker calls their task id', async () => {
    h = await startHarness();
    // Straight to the fake upstream (RouteCodex consumes the session header): the headers arrive as sent.
    const direct = new LlmClient({ baseURL: `${h.fake.url}/v1` });
    clients.push(direct);
    h.script([
      { match: { contains: 'DO-WORK' }, times: 1, reply: { text: 'On it.\n<M:create_task prompt="WORKER-JOB: say done" title="Job" profile="standard"/>' } },
      { match: { contains: '<M:results>' }, reply: { text: 'Noted.' } },
      { match: { contains: 'WORKER-JOB' }, reply: { text: 'done' } },
      { reply: { text: 'Hi.' } },
    ]);
    const first = await h.open({ model: direct });
    await first.start();
    const input = await first.addInput({ text: 'DO-WORK please' });
    await replyTo(first, input.id);
    await until(first, async () => (await first.messages({ limit: 50 })).some((m) => m.text === 'Noted.'), 'the result to be reported');
    await first.stop();
    const second = await h.open({ model: direct });
    await second.start();
    await replyTo(second, (await second.addInput({ text: 'hello again' })).id);
    await second.stop();

    const [task] = first.tasks();
    const sessions = h.fake.requests().map((r) => r.headers['x-session-id']);
    const manager = sessions.filter((s) => s?.startsWith('mimikit-manager-'));
    expect(manager.length).toBeGreaterThanOrEqual(3);
    expect(new Set(manager).size).toBe(1);
    expect(sessions.filter((s) => s === `mimikit-task-${task?.id}`)).toHaveLength(1);
    expect(sessions.every((s) => s !== undefined)).toBe(true);
  });
});
