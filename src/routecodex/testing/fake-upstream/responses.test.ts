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
  model: 'gpt-resp',
  input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }],
  ...extra,
});

describe('OpenAI Responses', () => {
  it('answers JSON with a response object, output items and usage', async () => {
    up.addRules({
      reply: { text: 'Answer.', reasoning: 'Because.', reasoningSignature: 'enc-1', toolCalls: TWO_TOOLS, usage: { input: 50, output: 20, cached: 5, reasoning: 4 } },
    });
    const body = (await (await post(up.url, PATHS.responses, request())).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ object: 'response', status: 'completed', model: 'gpt-resp', error: null });
    const output = body.output as Record<string, unknown>[];
    expect(output.map((o) => o.type)).toEqual(['reasoning', 'message', 'function_call', 'function_call']);
    expect(output[0]).toMatchObject({ summary: [{ type: 'summary_text', text: 'Because.' }], encrypted_content: 'enc-1' });
    expect(output[1]).toMatchObject({ role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'Answer.' }] });
    expect(output[2]).toMatchObject({ call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' });
    expect(body.usage).toEqual({
      input_tokens: 50,
      input_tokens_details: { cached_tokens: 5 },
      output_tokens: 20,
      output_tokens_details: { reasoning_tokens: 4 },
      total_tokens: 70,
    });
  });

  it('marks a length stop as incomplete', async () => {
    up.addRules({ reply: { text: 'cut short', stopReason: 'length' } });
    const body = (await (await post(up.url, PATHS.responses, request())).json()) as Record<string, unknown>;
    expect(body.status).toBe('incomplete');
    expect(body.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('streams the full event sequence with sequence numbers', async () => {
    up.addRules({ reply: { text: 'Hello streaming world', reasoning: 'Reasoning summary here', usage: { input: 3, output: 8 } } });
    const { events, error } = await readSse(await post(up.url, PATHS.responses, request({ stream: true })));
    expect(error).toBeUndefined();
    const data = dataOf(events);
    events.forEach((e, i) => {
      expect(e.event).toBe(data[i]?.type);
      expect(data[i]?.sequence_number).toBe(i);
    });
    const types = data.map((d) => d.type as string);
    const compact = types.filter((t, i) => t !== types[i - 1]);
    expect(compact).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    const text = data.filter((d) => d.type === 'response.output_text.delta').map((d) => d.delta as string);
    expect(text.length).toBeGreaterThan(1);
    expect(text.join('')).toBe('Hello streaming world');
    const summary = data.filter((d) => d.type === 'response.reasoning_summary_text.delta').map((d) => d.delta as string);
    expect(summary.join('')).toBe('Reasoning summary here');
    const done = data.at(-1);
    expect(at(done, 'response', 'status')).toBe('completed');
    expect(at(done, 'response', 'usage', 'total_tokens')).toBe(11);
    expect(at(done, 'response', 'output', 1, 'content', 0, 'text')).toBe('Hello streaming world');
  });

  it('streams two function calls with fragmented arguments', async () => {
    up.addRules({ reply: { toolCalls: TWO_TOOLS } });
    const data = dataOf((await readSse(await post(up.url, PATHS.responses, request({ stream: true })))).events);
    const added = data.filter((d) => d.type === 'response.output_item.added').map((d) => d.item as Record<string, unknown>);
    expect(added.map((i) => [i.type, i.call_id, i.name, i.arguments])).toEqual([
      ['function_call', 'call_a', 'get_weather', ''],
      ['function_call', 'call_b', 'search', ''],
    ]);
    for (const [i, tool] of TWO_TOOLS.entries()) {
      const itemId = added[i]?.id;
      const deltas = data.filter((d) => d.type === 'response.function_call_arguments.delta' && d.item_id === itemId);
      expect(deltas.length).toBeGreaterThan(2);
      const joined = deltas.map((d) => d.delta as string).join('');
      expect(JSON.parse(joined)).toEqual(tool.arguments);
      const done = data.find((d) => d.type === 'response.function_call_arguments.done' && d.item_id === itemId);
      expect(done).toMatchObject({ arguments: joined, name: tool.name, output_index: i });
    }
    expect(at(data.at(-1), 'response', 'output', 1, 'call_id')).toBe('call_b');
  });

  it('answers a status fault with the OpenAI error shape and Retry-After', async () => {
    up.addRules({ reply: { fault: { status: 429, retryAfter: 7, message: 'slow down' } } });
    const res = await post(up.url, PATHS.responses, request());
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(await res.json()).toMatchObject({ error: { message: 'slow down', type: 'requests', code: 'rate_limit_exceeded' } });
  });
});
