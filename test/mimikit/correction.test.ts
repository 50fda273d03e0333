/**
 * The manager's extra rounds through a real RouteCodex: invalid actions get M:action_feedback and the
 * corrected actions are applied; the round cap keeps the text and drops the actions with a visible note;
 * query_history answers with M:history_lookup; a context-length error compresses and retries once.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replyTo, startHarness, until, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** The user message of every manager request the fake received whose text contains `marker`. */
function managerRequests(harness: Harness, marker: string): string[] {
  return harness.fake
    .requests()
    .map((r) => (r.body as { messages: Array<{ role: string; content: string }> }).messages)
    .filter((m) => m[0]?.content.startsWith('You are mimikit'))
    .map((m) => m[1]?.content ?? '')
    .filter((text) => text.includes(marker));
}

describe('correction rounds', () => {
  it('invalid actions → feedback round → the corrected actions are applied', async () => {
    h = await startHarness();
    h.script([
      { match: { contains: 'FIXED-TASK' }, reply: { text: 'worker done' } },
      { match: { contains: 'action_feedback' }, times: 1, reply: { text: 'Fixed.\n<M:create_task prompt="FIXED-TASK do it" title="Fixed task" profile="standard"/>' } },
      { match: { contains: 'BROKEN-1' }, times: 1, reply: { text: 'Trying.\n<M:create_task prompt="do it" title="Broken"/>' } },
    ]);
    const rt = await h.open();
    await rt.start();
    const { id } = await rt.addInput({ text: 'BROKEN-1' });
    expect(await replyTo(rt, id)).toBe('Fixed.');
    const [feedbackRound] = managerRequests(h, 'M:action_feedback');
    expect(feedbackRound).toContain('invalid_action_args');
    expect(feedbackRound).toContain('profile is required');
    expect(rt.tasks().map((t) => t.title)).toEqual(['Fixed task']);
    await until(rt, () => rt.tasks()[0]?.status === 'succeeded', 'the task');
  });

  it('a model that stays invalid: after maxCorrectionRounds the text is kept with a note, nothing applied', async () => {
    h = await startHarness({ configure: (c) => (c.manager.maxCorrectionRounds = 2) });
    h.script([{ match: { contains: 'ALWAYS-BAD' }, reply: { text: 'Here you go.\n<M:cancel_task id="no-such-task"/>' } }]);
    const rt = await h.open();
    await rt.start();
    const { id } = await rt.addInput({ text: 'ALWAYS-BAD' });
    expect(await replyTo(rt, id)).toBe('Here you go.');
    expect(managerRequests(h, 'ALWAYS-BAD')).toHaveLength(3);
    const messages = await rt.messages();
    expect(messages.find((m) => m.role === 'system' && m.text.includes('could not be carried out'))?.text).toContain('cancel_task');
    expect(rt.tasks()).toEqual([]);
  });

  it('query_history: the matches come back in M:history_lookup and the next round answers', async () => {
    h = await startHarness();
    h.script([
      { match: { contains: 'M:history_lookup' }, times: 1, reply: { text: 'You said you like banana bread.' } },
      { match: { contains: 'LOOKUP-ME' }, times: 1, reply: { text: 'Let me look.\n<M:query_history query="banana" limit="3"/>' } },
      { match: { contains: 'banana bread' }, times: 1, reply: { text: 'Noted.' } },
    ]);
    const rt = await h.open();
    await rt.start();
    const first = await rt.addInput({ text: 'I like banana bread' });
    expect(await replyTo(rt, first.id)).toBe('Noted.');
    const { id } = await rt.addInput({ text: 'LOOKUP-ME: what do I like?' });
    expect(await replyTo(rt, id)).toBe('You said you like banana bread.');
    const [lookupRound] = managerRequests(h, 'M:history_lookup');
    expect(lookupRound).toMatch(/<M:history_lookup>[\s\S]*I like banana bread[\s\S]*<\/M:history_lookup>/);
  });

  it('a context-length error compresses the older conversation and retries once', async () => {
    h = await startHarness();
    h.script([
      { match: { contains: 'Summarize the conversation' }, times: 1, reply: { text: 'SUMMARY-TEXT: the user said A, B and C.' } },
      { match: { contains: 'OVERFLOW' }, times: 1, reply: { fault: { status: 400, body: { error: { code: 'context_length_exceeded', message: 'prompt too long' } } } } },
      { match: { contains: 'OVERFLOW' }, times: 1, reply: { text: 'Recovered.' } },
      { match: { contains: 'CTX-' }, reply: { text: 'ok' } },
    ]);
    const rt = await h.open();
    await rt.start();
    for (const text of ['CTX-A', 'CTX-B', 'CTX-C']) expect(await replyTo(rt, (await rt.addInput({ text })).id)).toBe('ok');
    const { id } = await rt.addInput({ text: 'OVERFLOW now' });
    expect(await replyTo(rt, id)).toBe('Recovered.');
    const retried = managerRequests(h, 'OVERFLOW');
    expect(retried).toHaveLength(2);
    expect(retried[1]).toContain('<M:compressed_context>\nSUMMARY-TEXT');
    expect(retried[1]).not.toContain('CTX-A'); // summarized away (the newest messages stay verbatim)
    expect(retried[1]).toContain('CTX-C');
    await until(rt, () => !rt.status().managerRunning, 'the batch to end');
    const snapshot = JSON.parse(await fs.readFile(path.join(h.workDir, 'runtime-snapshot.json'), 'utf8')) as { compressedContext?: { text: string } };
    expect(snapshot.compressedContext?.text).toMatch(/^SUMMARY-TEXT/);
  });
});
