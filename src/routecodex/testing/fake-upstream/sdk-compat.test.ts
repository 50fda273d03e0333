/** The official SDKs must accept the fake's streams: their accumulators validate the wire sequence. */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream } from './server.js';
import { TWO_TOOLS } from './test-support.js';
import type { FakeUpstream } from './types.js';

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream({
    script: { rules: [{ reply: { text: 'SDK says hi — ünïcödé', reasoning: 'quietly thinking', toolCalls: TWO_TOOLS, usage: { input: 11, output: 22 } } }] },
  });
});
afterAll(() => up.close());

describe('official SDK compatibility', () => {
  it('openai chat.completions.stream accumulates the completion', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: `${up.url}/v1`, maxRetries: 0 });
    const stream = client.chat.completions.stream({ model: 'gpt-sdk', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } });
    const done = await stream.finalChatCompletion();
    const message = done.choices[0]?.message;
    expect(message?.content).toBe('SDK says hi — ünïcödé');
    expect(message?.tool_calls?.map((c) => (c.type === 'function' ? [c.id, c.function.name, JSON.parse(c.function.arguments)] : []))).toEqual(
      TWO_TOOLS.map((t) => [t.id, t.name, t.arguments]),
    );
    expect(done.choices[0]?.finish_reason).toBe('tool_calls');
    expect(done.usage?.total_tokens).toBe(33);
  });

  it('openai responses.stream accumulates the response', async () => {
    const client = new OpenAI({ apiKey: 'k', baseURL: `${up.url}/v1`, maxRetries: 0 });
    const final = await client.responses.stream({ model: 'gpt-sdk', input: 'hi' }).finalResponse();
    expect(final.status).toBe('completed');
    const message = final.output.find((o) => o.type === 'message');
    expect(message?.content).toEqual([expect.objectContaining({ type: 'output_text', text: 'SDK says hi — ünïcödé' })]);
    const reasoning = final.output.find((o) => o.type === 'reasoning');
    expect(reasoning?.summary).toEqual([{ type: 'summary_text', text: 'quietly thinking' }]);
    expect(final.output.filter((o) => o.type === 'function_call').map((o) => o.name)).toEqual(['get_weather', 'search']);
    expect(final.usage?.output_tokens).toBe(22);
  });

  it('anthropic messages.stream accumulates the message', async () => {
    const client = new Anthropic({ apiKey: 'k', baseURL: up.url, maxRetries: 0 });
    const message = await client.messages.stream({ model: 'claude-sdk', max_tokens: 64, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(message.content.map((b) => b.type)).toEqual(['thinking', 'text', 'tool_use', 'tool_use']);
    const [thinking, text, tool] = message.content;
    expect(thinking?.type === 'thinking' && thinking.thinking).toBe('quietly thinking');
    expect(text?.type === 'text' && text.text).toBe('SDK says hi — ünïcödé');
    expect(tool?.type === 'tool_use' && tool.input).toEqual(TWO_TOOLS[0]?.arguments);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage.output_tokens).toBe(22);
  });

  it('SDK errors carry the status and message of a fault', async () => {
    up.addRules({ times: 2, reply: { fault: { status: 400, message: 'bad things' } } });
    const openai = new OpenAI({ apiKey: 'k', baseURL: `${up.url}/v1`, maxRetries: 0 });
    await expect(openai.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 400,
      error: { message: 'bad things', type: 'invalid_request_error' },
    });
    const anthropic = new Anthropic({ apiKey: 'k', baseURL: up.url, maxRetries: 0 });
    await expect(anthropic.messages.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 400,
      error: { type: 'error', error: { type: 'invalid_request_error', message: 'bad things' } },
    });
  });
});
