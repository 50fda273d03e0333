import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream } from './server.js';
import { dataOf, PATHS, post, readSse, TWO_TOOLS } from './test-support.js';
import type { FakeUpstream } from './types.js';

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream();
});
afterAll(() => up.close());
beforeEach(() => up.reset());

const request = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: 'claude-test',
  max_tokens: 100,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hey' }] }],
  ...extra,
});

describe('Anthropic Messages', () => {
  it('answers JSON with thinking, text, tool_use blocks and cache-aware usage', async () => {
    up.addRules({ reply: { text: 'Sure.', reasoning: 'Hmm.', reasoningSignature: 'sig-1', toolCalls: TWO_TOOLS, usage: { input: 80, output: 30, cached: 20 } } });
    const body = (await (await post(up.url, PATHS.anthropic, request())).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ type: 'message', role: 'assistant', model: 'claude-test', stop_reason: 'tool_use', stop_sequence: null });
    expect(body.content).toEqual([
      { type: 'thinking', thinking: 'Hmm.', signature: 'sig-1' },
      { type: 'text', text: 'Sure.' },
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: TWO_TOOLS[0]?.arguments },
      { type: 'tool_use', id: 'call_b', name: 'search', input: TWO_TOOLS[1]?.arguments },
    ]);
    expect(body.usage).toMatchObject({ input_tokens: 60, cache_read_input_tokens: 20, cache_creation_input_tokens: 0, output_tokens: 30 });
  });

  it('maps stop reasons: stop → end_turn, length → max_tokens', async () => {
    up.addRules({ times: 1, reply: { text: 'x', stopReason: 'length' } });
    const first = (await (await post(up.url, PATHS.anthropic, request())).json()) as Record<string, unknown>;
    const second = (await (await post(up.url, PATHS.anthropic, request())).json()) as Record<string, unknown>;
    expect([first.stop_reason, second.stop_reason]).toEqual(['max_tokens', 'end_turn']);
  });

  it('streams message_start, ping, thinking + signature, text deltas, message_delta, message_stop', async () => {
    up.addRules({ reply: { text: 'A streamed answer', reasoning: 'Some thinking text', usage: { input: 12, output: 34 } } });
    const { events, error } = await readSse(await post(up.url, PATHS.anthropic, request({ stream: true })));
    expect(error).toBeUndefined();
    const data = dataOf(events);
    events.forEach((e, i) => expect(e.event).toBe(data[i]?.type));
    expect(data[0]).toMatchObject({ type: 'message_start', message: { role: 'assistant', content: [], stop_reason: null, usage: { input_tokens: 12 } } });
    expect(data[1]).toEqual({ type: 'ping' });
    expect(data[2]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } });
    const deltas = data.filter((d) => d.type === 'content_block_delta');
    const byType = (t: string, key: string): string =>
      deltas.map((d) => d.delta as Record<string, string>).filter((d) => d.type === t).map((d) => d[key]).join('');
    expect(byType('thinking_delta', 'thinking')).toBe('Some thinking text');
    expect(byType('signature_delta', 'signature').length).toBeGreaterThan(0);
    expect(byType('text_delta', 'text')).toBe('A streamed answer');
    expect(deltas.filter((d) => d.index === 1).length).toBeGreaterThan(1);
    expect(data.filter((d) => d.type === 'content_block_stop').map((d) => d.index)).toEqual([0, 1]);
    expect(data.at(-2)).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 34 } });
    expect(data.at(-1)).toEqual({ type: 'message_stop' });
  });

  it('streams two tool_use blocks with fragmented input_json_delta', async () => {
    up.addRules({ reply: { toolCalls: TWO_TOOLS } });
    const data = dataOf((await readSse(await post(up.url, PATHS.anthropic, request({ stream: true })))).events);
    const starts = data.filter((d) => d.type === 'content_block_start');
    expect(starts.map((s) => s.content_block)).toEqual([
      { type: 'tool_use', id: 'call_a', name: 'get_weather', input: {} },
      { type: 'tool_use', id: 'call_b', name: 'search', input: {} },
    ]);
    for (const [i, tool] of TWO_TOOLS.entries()) {
      const parts = data.filter((d) => d.type === 'content_block_delta' && d.index === i).map((d) => d.delta as Record<string, string>);
      expect(parts.length).toBeGreaterThan(2);
      expect(parts.every((p) => p.type === 'input_json_delta')).toBe(true);
      expect(JSON.parse(parts.map((p) => p.partial_json).join(''))).toEqual(tool.arguments);
    }
    expect(data.find((d) => d.type === 'message_delta')).toMatchObject({ delta: { stop_reason: 'tool_use' } });
  });

  it('answers count_tokens', async () => {
    up.addRules({ match: { contains: 'count me' }, reply: { usage: { input: 42 } } });
    const scripted = await post(up.url, '/v1/messages/count_tokens', request({ messages: [{ role: 'user', content: 'count me' }] }));
    expect(await scripted.json()).toEqual({ input_tokens: 42 });
    const estimated = (await (await post(up.url, '/v1/messages/count_tokens', request())).json()) as { input_tokens: number };
    expect(estimated.input_tokens).toBeGreaterThan(0);
  });

  it('answers a status fault with the Anthropic error shape', async () => {
    up.addRules({ reply: { fault: { status: 529 } } });
    const res = await post(up.url, PATHS.anthropic, request());
    expect(res.status).toBe(529);
    expect(await res.json()).toEqual({ type: 'error', error: { type: 'overloaded_error', message: 'fake upstream fault 529' } });
  });
});
