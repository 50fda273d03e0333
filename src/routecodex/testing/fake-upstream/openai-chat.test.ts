import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream } from './server.js';
import { at, dataOf, PATHS, post, readSse, TWO_TOOLS } from './test-support.js';
import type { FakeUpstream } from './types.js';

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream();
});
afterAll(() => up.close());
beforeEach(() => up.reset());

const request = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  model: 'gpt-test',
  messages: [{ role: 'user', content: 'Hi there' }],
  ...extra,
});

describe('OpenAI Chat Completions', () => {
  it('answers JSON with the default text and usage', async () => {
    const res = await post(up.url, PATHS.openai, request());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('gpt-test');
    expect(at(body, 'choices', 0, 'message')).toMatchObject({
      role: 'assistant',
      content: 'Hello from the fake openai upstream (model gpt-test).',
    });
    expect(at(body, 'choices', 0, 'finish_reason')).toBe('stop');
    const usage = body.usage as Record<string, number>;
    expect(usage.prompt_tokens).toBeGreaterThan(0);
    expect(usage.total_tokens).toBe((usage.prompt_tokens ?? 0) + (usage.completion_tokens ?? 0));
  });

  it('answers JSON with reasoning, two tool calls and scripted usage', async () => {
    up.addRules({ reply: { reasoning: 'Let me think.', toolCalls: TWO_TOOLS, usage: { input: 100, output: 40, cached: 30, reasoning: 10 } } });
    const body = (await (await post(up.url, PATHS.openai, request())).json()) as Record<string, unknown>;
    const message = at(body, 'choices', 0, 'message') as Record<string, unknown>;
    expect(message.content).toBeNull();
    expect(message.reasoning_content).toBe('Let me think.');
    expect(message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' } },
      { id: 'call_b', type: 'function', function: { name: 'search', arguments: '{"query":"fake upstream","limit":3}' } },
    ]);
    expect(at(body, 'choices', 0, 'finish_reason')).toBe('tool_calls');
    expect(body.usage).toEqual({
      prompt_tokens: 100,
      completion_tokens: 40,
      total_tokens: 140,
      prompt_tokens_details: { cached_tokens: 30 },
      completion_tokens_details: { reasoning_tokens: 10 },
    });
  });

  it('streams role, reasoning and content deltas, finish_reason, usage chunk and [DONE]', async () => {
    up.addRules({ reply: { text: 'Streaming text of some length', reasoning: 'Thinking hard', usage: { input: 7, output: 9 } } });
    const res = await post(up.url, PATHS.openai, request({ stream: true, stream_options: { include_usage: true } }));
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const { events, error } = await readSse(res);
    expect(error).toBeUndefined();
    expect(events.at(-1)?.data).toBe('[DONE]');
    const chunks = dataOf(events);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
    expect(at(chunks[0], 'choices', 0, 'delta', 'role')).toBe('assistant');
    const deltas = chunks.map((c) => at(c, 'choices', 0, 'delta') as Record<string, unknown> | undefined);
    const reasoning = deltas.map((d) => d?.reasoning_content ?? '').join('');
    const content = deltas.map((d) => d?.content ?? '').join('');
    expect(reasoning).toBe('Thinking hard');
    expect(content).toBe('Streaming text of some length');
    expect(deltas.filter((d) => typeof d?.content === 'string' && d.content !== '').length).toBeGreaterThan(2);
    const finish = chunks.filter((c) => at(c, 'choices', 0, 'finish_reason'));
    expect(finish).toHaveLength(1);
    expect(at(finish[0], 'choices', 0, 'finish_reason')).toBe('stop');
    const last = chunks.at(-1);
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({ prompt_tokens: 7, completion_tokens: 9, total_tokens: 16 });
  });

  it('streams two tool calls with fragmented arguments', async () => {
    up.addRules({ reply: { toolCalls: TWO_TOOLS, argsChunkSize: 5 } });
    const { events } = await readSse(await post(up.url, PATHS.openai, request({ stream: true })));
    const chunks = dataOf(events);
    expect(chunks.some((c) => Array.isArray(c.choices) && c.choices.length === 0)).toBe(false); // no usage chunk
    const fragments = chunks.flatMap((c) => (at(c, 'choices', 0, 'delta', 'tool_calls') as Record<string, unknown>[] | undefined) ?? []);
    const args = ['', ''];
    for (const [i, tool] of TWO_TOOLS.entries()) {
      const mine = fragments.filter((f) => f.index === i);
      expect(mine[0]).toEqual({ index: i, id: tool.id, type: 'function', function: { name: tool.name, arguments: '' } });
      expect(mine.length).toBeGreaterThan(3);
      for (const f of mine.slice(1)) {
        expect(Object.keys(f).sort()).toEqual(['function', 'index']);
        expect(Object.keys(f.function as object)).toEqual(['arguments']);
        args[i] += at(f, 'function', 'arguments') as string;
      }
      expect(JSON.parse(args[i] ?? '')).toEqual(tool.arguments);
    }
    expect(at(chunks.at(-1), 'choices', 0, 'finish_reason')).toBe('tool_calls');
  });

  it('answers a status fault with the OpenAI error shape', async () => {
    up.addRules({ reply: { fault: { status: 401 } } });
    const res = await post(up.url, PATHS.openai, request());
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { message: 'fake upstream fault 401', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    });
  });
});
