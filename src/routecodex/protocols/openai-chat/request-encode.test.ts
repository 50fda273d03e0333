import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../canonical/index.js';
import { openaiChatInbound, openaiChatUpstream } from './index.js';
import { fixtureJson } from './test-util.js';

const minimal: CanonicalRequest = {
  model: 'client-model',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  tools: [],
  stream: false,
};

const encode = (req: Partial<CanonicalRequest>) => openaiChatUpstream.encodeRequest({ ...minimal, ...req }, 'gpt-4.1-mini');

describe('openai-chat request encode', () => {
  it('encodes the decoded agent fixture back to chat (golden)', () => {
    const canonical = openaiChatInbound.decodeRequest(fixtureJson('request-agent.json'));
    const png =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const { path, body } = openaiChatUpstream.encodeRequest(canonical, 'gpt-4.1-2025-04-14');
    expect(path).toBe('/chat/completions');
    expect(body).toEqual({
      model: 'gpt-4.1-2025-04-14',
      messages: [
        { role: 'system', content: 'You are a travel assistant.\n\nAnswer in French.\n\nKeep answers under 50 words.' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Quel temps fait-il ici ?' },
            { type: 'image_url', image_url: { url: 'https://example.com/photos/paris.jpg', detail: 'high' } },
            { type: 'image_url', image_url: { url: png } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          reasoning_content: 'The photo shows Paris; I need weather and time.',
          tool_calls: [
            { id: 'call_Vq1mN8cR4tY7uI0oP2aS5dF9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
            { id: 'call_Zx3cV6bN9mQ2wE5rT8yU1iO4', type: 'function', function: { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'call_Vq1mN8cR4tY7uI0oP2aS5dF9', content: '{"temp_c":21,"sky":"clear"}' },
        { role: 'tool', tool_call_id: 'call_Zx3cV6bN9mQ2wE5rT8yU1iO4', content: '14:05' },
        { role: 'user', content: 'Merci ! Et demain ?' },
        { role: 'assistant', content: 'Demain : 23 °C, ensoleillé.' },
        { role: 'user', content: 'Parfait.' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Current weather for a city',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' } },
              required: ['city'],
              additionalProperties: false,
            },
            strict: true,
          },
        },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } } },
      ],
      tool_choice: 'auto',
      parallel_tool_calls: true,
      max_completion_tokens: 1024,
      temperature: 0.2,
      top_p: 0.9,
      stop: ['\n\nUser:'],
      reasoning_effort: 'low',
      response_format: { type: 'text' },
      stream: true,
      stream_options: { include_usage: true },
      user: 'user-1234',
    });
  });

  it('splits tool results into tool messages and moves their images into the following user message', () => {
    const { body } = encode({
      messages: [
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              callId: 'toolu_01',
              name: 'screenshot',
              isError: false,
              content: [
                { type: 'text', text: 'captured' },
                { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: 'AAAA' } },
              ],
            },
            { type: 'tool_result', callId: 'toolu_02', content: [] },
            { type: 'text', text: 'What do you see?' },
          ],
        },
        { role: 'user', content: [{ type: 'tool_result', callId: 'toolu_03', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] },
      ],
    });
    expect(body.messages).toEqual([
      { role: 'tool', tool_call_id: 'toolu_01', content: 'captured' },
      { role: 'tool', tool_call_id: 'toolu_02', content: '' },
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AAAA' } },
          { type: 'text', text: 'What do you see?' },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_03', content: 'a\nb' },
    ]);
  });

  it('encodes assistant parts: reasoning only when non-empty, empty arguments as {}', () => {
    const { body } = encode({
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: '', redacted: true, signature: { protocol: 'anthropic-messages', value: 'sig' } },
            { type: 'text', text: 'Checking' },
            { type: 'text', text: ' now.' },
            { type: 'tool_call', id: 'call_1', name: 'ping', arguments: '' },
          ],
        },
        { role: 'assistant', content: [] },
      ],
    });
    expect(body.messages).toEqual([
      {
        role: 'assistant',
        content: 'Checking now.',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'ping', arguments: '{}' } }],
      },
      { role: 'assistant', content: '' },
    ]);
  });

  it('drops builtin tools, and with them a tool_choice that forced one', () => {
    const builtin = { type: 'builtin' as const, kind: 'web_search_20250305', name: 'web_search', raw: { type: 'web_search_20250305' } };
    const fn = { type: 'function' as const, name: 'calc', parameters: { type: 'object' } };
    const a = encode({ tools: [builtin, fn], toolChoice: { type: 'tool', name: 'web_search' }, parallelToolCalls: false }).body;
    expect(a.tools).toEqual([{ type: 'function', function: { name: 'calc', parameters: { type: 'object' } } }]);
    expect(a).not.toHaveProperty('tool_choice');
    expect(a.parallel_tool_calls).toBe(false);
    const b = encode({ tools: [builtin], toolChoice: { type: 'required' }, parallelToolCalls: true }).body;
    expect(b).not.toHaveProperty('tools');
    expect(b).not.toHaveProperty('tool_choice');
    expect(b).not.toHaveProperty('parallel_tool_calls');
    const c = encode({ tools: [fn], toolChoice: { type: 'tool', name: 'calc' } }).body;
    expect(c.tool_choice).toEqual({ type: 'function', function: { name: 'calc' } });
  });

  it('maps reasoning budgets to reasoning_effort and json_schema formats', () => {
    expect(encode({ reasoning: { budgetTokens: 10_000 } }).body.reasoning_effort).toBe('medium');
    expect(encode({ reasoning: { effort: 'high', budgetTokens: 100 } }).body.reasoning_effort).toBe('high');
    expect(encode({ reasoning: { includeThoughts: true } }).body).not.toHaveProperty('reasoning_effort');
    expect(
      encode({ responseFormat: { type: 'json_schema', name: 'r', schema: { type: 'object' }, strict: true } }).body.response_format,
    ).toEqual({ type: 'json_schema', json_schema: { name: 'r', schema: { type: 'object' }, strict: true } });
  });

  it('always asks for usage when streaming, never otherwise', () => {
    expect(encode({ stream: true }).body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
    expect(encode({ stream: true, streamUsage: false }).body.stream_options).toEqual({ include_usage: true });
    const nonStream = encode({}).body;
    expect(nonStream.stream).toBe(false);
    expect(nonStream).not.toHaveProperty('stream_options');
    expect(nonStream).toEqual({ model: 'gpt-4.1-mini', messages: [{ role: 'user', content: 'hi' }], stream: false });
  });

  it('has a fixed path and bearer auth', () => {
    expect(openaiChatUpstream.requestPath('gpt-4.1', true)).toBe('/chat/completions');
    expect(openaiChatUpstream.authHeaders('sk-test')).toEqual({ authorization: 'Bearer sk-test' });
  });
});
