import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../canonical/index.js';
import { geminiUpstream } from './index.js';
import { decodeGeminiResponse } from './response-decode.js';
import { fixtureJson } from './test-helpers.js';

function baseRequest(overrides: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return {
    model: 'client-model',
    system: [],
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    tools: [],
    stream: false,
    ...overrides,
  };
}

const goldenRequest: CanonicalRequest = {
  model: 'client-model',
  system: [
    { type: 'text', text: 'You are a weather bot.' },
    { type: 'text', text: 'Answer in English.' },
  ],
  messages: [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'What is the weather in Zürich? See these:' },
        { type: 'image', source: { kind: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
        { type: 'image', source: { kind: 'url', url: 'https://example.com/sky.webp' }, detail: 'high' },
      ],
    },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'The user wants the weather.', signature: { protocol: 'gemini', value: 'sig-thought' } },
        { type: 'reasoning', text: 'an unsigned summary' },
        { type: 'reasoning', text: 'Anthropic thinking', signature: { protocol: 'anthropic-messages', value: 'ant-sig' } },
        { type: 'text', text: 'Let me check.' },
        { type: 'reasoning', text: '', signature: { protocol: 'gemini', value: 'sig-call' } },
        { type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: '{"city":"Zürich"}' },
        { type: 'tool_call', id: 'call_2', name: 'get_time', arguments: '' },
      ],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          callId: 'call_1',
          name: 'get_weather',
          content: [
            { type: 'text', text: '18°C' },
            { type: 'text', text: 'sunny' },
          ],
        },
        { type: 'tool_result', callId: 'call_2', content: [{ type: 'text', text: 'clock unavailable' }], isError: true },
        {
          type: 'tool_result',
          callId: 'call_9',
          content: [
            { type: 'text', text: 'map' },
            { type: 'image', source: { kind: 'base64', mediaType: 'image/jpeg', data: '/9j/4AAQ' } },
          ],
        },
      ],
    },
    { role: 'user', content: [{ type: 'text', text: 'Thanks! Anything else?' }] },
    {
      role: 'assistant',
      content: [
        { type: 'text', text: 'Bring sunglasses.' },
        { type: 'reasoning', text: '', signature: { protocol: 'gemini', value: 'sig-tail' } },
      ],
    },
    { role: 'user', content: [{ type: 'text', text: 'Bye.' }] },
  ],
  tools: [
    {
      type: 'function',
      name: 'get_weather',
      description: 'Current weather',
      strict: true,
      parameters: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        additionalProperties: false,
        properties: {
          city: { type: 'string', description: 'City name', examples: ['Paris'] },
          unit: { $ref: '#/$defs/Unit' },
          when: { type: 'string', format: 'date-time' },
          email: { type: 'string', format: 'email' },
          days: { type: ['integer', 'null'], default: 1 },
          mode: { const: 'fast' },
        },
        required: ['city', 'not_a_property'],
        $defs: { Unit: { type: 'string', enum: ['celsius', 'fahrenheit'], default: 'celsius' } },
      },
    },
    { type: 'function', name: 'get_time', parameters: { type: 'object', properties: {} } },
    { type: 'builtin', kind: 'google_search', raw: { google_search: {} } },
    { type: 'builtin', kind: 'code_interpreter', raw: { type: 'code_interpreter' } },
  ],
  toolChoice: { type: 'tool', name: 'get_weather' },
  parallelToolCalls: false,
  maxOutputTokens: 2048,
  temperature: 0.4,
  topP: 0.9,
  stopSequences: ['END'],
  reasoning: { effort: 'medium' },
  stream: true,
  streamUsage: true,
  user: 'user-1',
};

describe('gemini request encoding', () => {
  it('encodes the golden request exactly', () => {
    const encoded = geminiUpstream.encodeRequest(goldenRequest, 'gemini-2.5-flash');
    expect(encoded.path).toBe('/models/gemini-2.5-flash:streamGenerateContent?alt=sse');
    expect(encoded.body).toEqual(fixtureJson('request-golden.expected.json'));
  });

  it('builds paths and auth headers', () => {
    expect(geminiUpstream.requestPath('gemini-2.5-pro', false)).toBe('/models/gemini-2.5-pro:generateContent');
    expect(geminiUpstream.requestPath('models/gemini-2.5-pro', true)).toBe('/models/gemini-2.5-pro:streamGenerateContent?alt=sse');
    expect(geminiUpstream.requestPath('my model/v1', false)).toBe('/models/my%20model%2Fv1:generateContent');
    expect(geminiUpstream.authHeaders('AIza-secret')).toEqual({ 'x-goog-api-key': 'AIza-secret' });
    expect(geminiUpstream.protocol).toBe('gemini');
  });

  it('encodes a minimal request with no optional sections', () => {
    const encoded = geminiUpstream.encodeRequest(baseRequest(), 'gemini-2.0-flash');
    expect(encoded).toEqual({
      path: '/models/gemini-2.0-flash:generateContent',
      body: { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] },
    });
  });

  it('encodes JSON schema output, a token budget and declined thoughts', () => {
    const body = geminiUpstream.encodeRequest(
      baseRequest({
        responseFormat: {
          type: 'json_schema',
          name: 'answer',
          strict: true,
          schema: { type: 'object', additionalProperties: false, properties: { answer: { type: 'string' } }, required: ['answer'] },
        },
        reasoning: { budgetTokens: 2048, includeThoughts: false },
        toolChoice: { type: 'none' }, // no function declarations: no toolConfig
      }),
      'gemini-2.5-pro',
    ).body;
    expect(body.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] },
      thinkingConfig: { thinkingBudget: 2048 },
    });
    expect(body.toolConfig).toBeUndefined();
  });

  it('encodes json_object, disabled thinking and bare thought requests', () => {
    const json = geminiUpstream.encodeRequest(baseRequest({ responseFormat: { type: 'json_object' } }), 'm').body;
    expect(json.generationConfig).toEqual({ responseMimeType: 'application/json' });
    const off = geminiUpstream.encodeRequest(baseRequest({ reasoning: { budgetTokens: 0 } }), 'm').body;
    expect(off.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 0 } });
    const bare = geminiUpstream.encodeRequest(baseRequest({ reasoning: { includeThoughts: true } }), 'm').body;
    expect(bare.generationConfig).toEqual({ thinkingConfig: { includeThoughts: true } });
    const high = geminiUpstream.encodeRequest(baseRequest({ reasoning: { effort: 'high', budgetTokens: 5000 } }), 'm').body;
    expect(high.generationConfig).toEqual({ thinkingConfig: { thinkingBudget: 5000, includeThoughts: true } });
  });

  it('maps every tool choice', () => {
    const tools: CanonicalRequest['tools'] = [
      { type: 'function', name: 'f', parameters: { type: 'object', properties: { a: { type: 'number' } } } },
    ];
    const modeOf = (toolChoice: CanonicalRequest['toolChoice']): unknown =>
      geminiUpstream.encodeRequest(baseRequest({ tools, toolChoice }), 'm').body.toolConfig;
    expect(modeOf({ type: 'auto' })).toEqual({ functionCallingConfig: { mode: 'AUTO' } });
    expect(modeOf({ type: 'none' })).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(modeOf({ type: 'required' })).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(modeOf({ type: 'tool', name: 'f' })).toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } });
    expect(modeOf(undefined)).toBeUndefined();
  });

  it('drops builtin tools Gemini cannot run and sends no empty tools list', () => {
    const body = geminiUpstream.encodeRequest(
      baseRequest({ tools: [{ type: 'builtin', kind: 'web_search_20250305', raw: {} }], toolChoice: { type: 'auto' } }),
      'm',
    ).body;
    expect(body.tools).toBeUndefined();
    expect(body.toolConfig).toBeUndefined();
  });

  it('round-trips a decoded response (thoughts, signatures, tool calls) into the next request', () => {
    const fixture = fixtureJson('response-tools.json') as { candidates: Array<{ content: { parts: unknown[] } }> };
    const decoded = decodeGeminiResponse(fixture);
    const body = geminiUpstream.encodeRequest(
      baseRequest({ messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather?' }] }, { role: 'assistant', content: decoded.content }] }),
      'gemini-2.5-flash',
    ).body as { contents: Array<{ role: string; parts: unknown[] }> };
    const ids = decoded.content.flatMap((p) => (p.type === 'tool_call' ? [p.id] : []));
    // The upstream parts come back as sent, each call tagged with the id the client saw; the unsigned
    // thought summary (first part) is not sent back, as Gemini cannot use it.
    const [summary, ...rest] = fixture.candidates[0]!.content.parts as Array<{ functionCall?: Record<string, unknown>; thought?: boolean }>;
    expect(summary?.thought).toBe(true);
    const expected = rest.map((part) => (part.functionCall ? { ...part, functionCall: { ...part.functionCall, id: ids.shift() } } : part));
    expect(body.contents[1]).toEqual({ role: 'model', parts: expected });
  });

  it('skips messages left empty and merges the same-role turns around them', () => {
    const body = geminiUpstream.encodeRequest(
      baseRequest({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'a' }] },
          { role: 'assistant', content: [{ type: 'reasoning', text: 'unsigned' }] },
          { role: 'user', content: [{ type: 'text', text: 'b' }] },
        ],
      }),
      'm',
    ).body;
    expect(body.contents).toEqual([{ role: 'user', parts: [{ text: 'a' }, { text: 'b' }] }]);
  });
});
