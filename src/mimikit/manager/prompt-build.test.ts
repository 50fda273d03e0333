import { describe, expect, it } from 'vitest';
import { makeMessage, makeSnapshot, makeTask, useTempWorkDirs } from '../storage/testing/fixtures.js';
import type { Batch } from './types.js';
import { buildManagerPrompt, gatherPromptContext } from './prompt-build.js';
import { testEnv, userPacket } from './test-env.js';

const newPaths = useTempWorkDirs();

function batchOf(inputs: Batch['inputs'], results: Batch['results'] = []): Batch {
  return { id: 'b3', number: 3, inputs, results, inputsEnd: inputs.length, resultsEnd: results.length, wake: ['user_input'] };
}

describe('the manager prompt', () => {
  it('system: persona, profile and environment (client clock, wake); user: the data blocks with the quote resolved', async () => {
    const env = await testEnv(await newPaths());
    await env.persona.updatePersona('Dry humour.');
    await env.persona.updateUserProfile('Name: Lin.');
    await env.history.appendBatch([makeMessage('u-old', { text: 'The old question', createdAt: '2026-03-01T00:10:00.000Z' }), makeMessage('agent-b1', { role: 'agent', text: 'The old answer', createdAt: '2026-03-01T00:10:01.000Z' })], new Date('2026-03-01T00:10:01.000Z'));
    const state = makeSnapshot({ tasks: [makeTask({ id: 't-b1-1', status: 'running', title: 'Hotels' })] });
    const batch = batchOf([userPacket('u-new', 'What about this?', '2026-03-01T01:00:00.000Z', { quote: 'agent-b1', client: { timeZone: 'Asia/Shanghai', nowIso: '2026-03-01T09:00:00+08:00' } })]);
    const ctx = await gatherPromptContext(env, state, batch);
    const built = buildManagerPrompt(env, state, batch, ctx);
    const [system, user] = built.messages.map((m) => ('content' in m ? m.content : '')) as [string, string];
    expect(system).toContain('<M:persona>\nDry humour.\n</M:persona>');
    expect(system).toContain('<M:user_profile>\nName: Lin.\n</M:user_profile>');
    expect(system).toContain('client_time_zone: "Asia/Shanghai"');
    expect(system).toContain('client_now_iso: "2026-03-01T09:00:00+08:00"');
    expect(system).toContain('wake_source: "user_input"');
    expect(system).not.toContain('<M:inputs>');
    expect(user).toMatch(/<M:recent_history>[\s\S]*The old question[\s\S]*The old answer[\s\S]*<\/M:recent_history>/);
    expect(user).toMatch(/<M:tasks>[\s\S]*id: "t-b1-1"[\s\S]*status: "running"/);
    expect(user).toMatch(/<M:inputs>[\s\S]*quote:\n\s+id: "agent-b1"\n\s+role: "agent"\n\s+content: "The old answer"[\s\S]*content: "What about this\?"/);
    expect(built.overBudget).toBe(false);
  });

  it('over budget: history lookup and tasks go first, then recent history is cut from its oldest end; inputs stay', async () => {
    const env = await testEnv(await newPaths());
    env.config.manager.prompt.maxTokens = 4_000;
    const old = Array.from({ length: 40 }, (_, i) => makeMessage(`m${i}`, { text: `history message ${i} ${'x'.repeat(200)}`, createdAt: `2026-03-01T00:${String(i).padStart(2, '0')}:00.000Z` }));
    await env.history.appendBatch(old, new Date('2026-03-01T00:40:00.000Z'));
    const tasks = Array.from({ length: 20 }, (_, i) => makeTask({ id: `t-b1-${i}`, prompt: 'p'.repeat(150) }));
    const state = makeSnapshot({ tasks });
    const batch = batchOf([userPacket('u-new', 'THE INPUT')]);
    const ctx = await gatherPromptContext(env, state, batch);
    const built = buildManagerPrompt(env, state, batch, ctx, { lookup: { query: 'q', hits: [{ id: 'm1', role: 'user', createdAt: '2026-03-01T00:01:00.000Z', score: 1, text: 'y'.repeat(3000) }] } });
    expect(built.dropped).toEqual(['history_lookup', 'tasks']);
    expect(built.truncated).toEqual(['recent_history']);
    expect(built.tokens).toBeLessThanOrEqual(4_000);
    const user = built.messages[1] && 'content' in built.messages[1] ? built.messages[1].content : '';
    expect(user).toContain('history message 39');
    expect(user).not.toContain('history message 0 ');
    expect(user).toContain('THE INPUT');
  });

  it('after compression, recent history starts after the summarized messages and the summary is a block', async () => {
    const env = await testEnv(await newPaths());
    await env.history.appendBatch(['a', 'b', 'c'].map((id, i) => makeMessage(id, { text: `msg ${id}`, createdAt: `2026-03-01T00:0${i}:00.000Z` })), new Date('2026-03-01T00:03:00.000Z'));
    const state = makeSnapshot({ compressedContext: { text: 'SUMMARY', upToMessageId: 'b', createdAt: '2026-03-01T00:04:00.000Z' } });
    const batch = batchOf([userPacket('u-new', 'next')]);
    const user = ((m) => (m && 'content' in m ? m.content : ''))(buildManagerPrompt(env, state, batch, await gatherPromptContext(env, state, batch)).messages[1]);
    expect(user).toContain('<M:compressed_context>\nSUMMARY\n</M:compressed_context>');
    expect(user).toContain('msg c');
    expect(user).not.toContain('msg a');
    expect(user).not.toContain('msg b');
  });
});
