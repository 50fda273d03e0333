import { describe, expect, it } from 'vitest';
import { GatewayError, type CanonicalRequest } from '../../canonical/index.js';
import { openaiChatInbound } from './index.js';
import { fixtureJson } from './test-util.js';

const decode = (body: unknown): CanonicalRequest => openaiChatInbound.decodeRequest(body);
const base = { model: 'gpt-4.1', messages: [{ role: 'user', content: 'hi' }] };

function rejects(body: unknown): GatewayError {
  try {
    decode(body);
  } catch (e) {
    expect(e).toBeInstanceOf(GatewayError);
    return e as GatewayError;
  }
  throw new Error('expected a GatewayError');
}

describe('openai-chat request decode', () => {
  it('decodes a recorded-shape agent request (golden)', () => {
    const png =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const expected: CanonicalRequest = {
      model: 'gpt-4.1',
      system: [
        { type: 'text', text: 'You are a travel assistant.' },
        { type: 'text', text: 'Answer in French.' },
        { type: 'text', text: 'Keep answers under 50 words.' },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Quel temps fait-il ici ?' },
            { type: 'image', source: { kind: 'url', url: 'https://example.com/photos/paris.jpg' }, detail: 'high' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: png } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'The photo shows Paris; I need weather and time.' },
            { type: 'tool_call', id: 'call_Vq1mN8cR4tY7uI0oP2aS5dF9', name: 'get_weather', arguments: '{"city":"Paris"}' },
            { type: 'tool_call', id: 'call_Zx3cV6bN9mQ2wE5rT8yU1iO4', name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              callId: 'call_Vq1mN8cR4tY7uI0oP2aS5dF9',
              name: 'get_weather',
              content: [{ type: 'text', text: '{"temp_c":21,"sky":"clear"}' }],
            },
            { type: 'tool_result', callId: 'call_Zx3cV6bN9mQ2wE5rT8yU1iO4', name: 'get_time', content: [{ type: 'text', text: '14:05' }] },
            { type: 'text', text: 'Merci ! Et demain ?' },
          ],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'Demain : 23 °C, ensoleillé.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Parfait.' }] },
      ],
      tools: [
        {
          type: 'function',
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
        { type: 'function', name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } },
      ],
      toolChoice: { type: 'auto' },
      parallelToolCalls: true,
      maxOutputTokens: 1024,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['\n\nUser:'],
      reasoning: { effort: 'low' },
      responseFormat: { type: 'text' },
      stream: true,
      streamUsage: true,
      user: 'user-1234',
    };
    expect(decode(fixtureJson('request-agent.json'))).toEqual(expected);
  });

  it('decodes a minimal request with null optional fields', () => {
    expect(
      decode({ ...base, temperature: null, stop: null, tools: null, tool_choice: null, stream_options: null, n: null }),
    ).toEqual({ model: 'gpt-4.1', system: [], messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }], tools: [], stream: false });
  });

  it('maps stop strings, max_tokens, forced tool choice and json_schema', () => {
    const req = decode({
      ...base,
      stop: 'END',
      max_tokens: 77,
      tools: [{ type: 'function', function: { name: 'lookup' } }],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' }, strict: true } },
    });
    expect(req.stopSequences).toEqual(['END']);
    expect(req.maxOutputTokens).toBe(77);
    expect(req.tools).toEqual([{ type: 'function', name: 'lookup', parameters: { type: 'object', properties: {} } }]);
    expect(req.toolChoice).toEqual({ type: 'tool', name: 'lookup' });
    expect(req.responseFormat).toEqual({ type: 'json_schema', name: 'answer', schema: { type: 'object' }, strict: true });
    expect(decode({ ...base, max_tokens: 5, max_completion_tokens: 9 }).maxOutputTokens).toBe(9);
    expect(decode({ ...base, response_format: { type: 'json_object' } }).responseFormat).toEqual({ type: 'json_object' });
    expect(decode({ ...base, tool_choice: 'required' }).toolChoice).toEqual({ type: 'required' });
  });

  it("treats reasoning_effort 'none' as no reasoning and include_usage only when streaming", () => {
    expect(decode({ ...base, reasoning_effort: 'none' }).reasoning).toBeUndefined();
    expect(decode({ ...base, reasoning_effort: 'xhigh' }).reasoning).toEqual({ effort: 'xhigh' });
    expect(decode({ ...base, stream_options: { include_usage: true } }).streamUsage).toBeUndefined();
    expect(decode({ ...base, stream: true, stream_options: { include_usage: false } }).streamUsage).toBeUndefined();
  });

  it('decodes assistant text parts, refusals and tool results given as text parts', () => {
    const req = decode({
      model: 'm',
      messages: [
        { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'refusal', refusal: 'no' }] },
        { role: 'tool', tool_call_id: 'unknown_call', content: 'r' },
        { role: 'tool', tool_call_id: 'other', content: [{ type: 'text', text: 'x' }, { type: 'text', text: 'y' }] },
        { role: 'assistant', content: '' },
        { role: 'user', content: 'u' },
      ],
    });
    expect(req.messages).toEqual([
      { role: 'assistant', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'no' }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', callId: 'unknown_call', content: [{ type: 'text', text: 'r' }] },
          { type: 'tool_result', callId: 'other', content: [{ type: 'text', text: 'x' }, { type: 'text', text: 'y' }] },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'u' }] },
    ]);
  });

  it.each([
    ['not an object', 'hello', undefined, /request body: expected object/],
    ['missing model', { messages: base.messages }, 'model', /model: expected string/],
    ['missing messages', { model: 'm' }, 'messages', /messages: expected array/],
    ['empty messages', { model: 'm', messages: [] }, 'messages', /messages: .*>=1/],
    ['unknown role', { model: 'm', messages: [{ role: 'function', content: 'x' }] }, 'messages[0].role', /unsupported message role/],
    [
      'unknown part type',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: {} }] }] },
      'messages[0].content[0].type',
      /unsupported content part type/,
    ],
    [
      'bad text part',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'text', text: 3 }] }] },
      'messages[0].content[0].text',
      /expected string, received number/,
    ],
    ['content of wrong type', { model: 'm', messages: [{ role: 'user', content: 5 }] }, 'messages[0].content', /expected string or array/],
    [
      'bad image url',
      { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] }] },
      'messages[0].content[0].image_url.url',
      /http\(s\) URL or a data: URL/,
    ],
    ['tool without id', { model: 'm', messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id', /expected string/],
    [
      'non-function tool',
      { ...base, tools: [{ type: 'custom', custom: { name: 'x' } }] },
      'tools[0].type',
      /only tools of type 'function'/,
    ],
    ['bad tool_choice', { ...base, tool_choice: 'sometimes' }, 'tool_choice', /expected 'auto', 'none', 'required'/],
    ['bad temperature', { ...base, temperature: 'hot' }, 'temperature', /expected number/],
    ['bad stop', { ...base, stop: 4 }, 'stop', /expected string or array/],
    ['n > 1', { ...base, n: 2 }, 'n', /only n=1 is supported/],
  ])('rejects %s with a 400 naming the field', (_name, body, param, message) => {
    const err = rejects(body);
    expect(err.status).toBe(400);
    expect(err.code).toBe('invalid_request_error');
    expect(err.param).toBe(param);
    expect(err.message).toMatch(message);
  });
});
