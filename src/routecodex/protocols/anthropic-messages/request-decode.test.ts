import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../canonical/index.js';
import { anthropicInbound, decodeCountTokensRequest, encodeCountTokensResponse } from './index.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const decode = (body: unknown) => anthropicInbound.decodeRequest(body);
const base = { model: 'claude-sonnet-4-5', max_tokens: 1024, messages: [{ role: 'user', content: 'hi' }] };

function rejection(body: unknown, decoder = decode): GatewayError {
  try {
    decoder(body);
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

describe('anthropic request decode', () => {
  it('decodes a full Claude Code style request (golden)', () => {
    expect(decode(fixture('request-full.json'))).toEqual(fixture('request-full.canonical.json'));
  });

  it('decodes the minimal request', () => {
    expect(decode(base)).toEqual({
      model: 'claude-sonnet-4-5',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      tools: [],
      maxOutputTokens: 1024,
      stream: false,
    });
  });

  it('takes a string system prompt and keeps tool_result and text in one user message', () => {
    const r = decode({
      ...base,
      system: 'Be brief.',
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } }] },
        { role: 'user', content: [{ type: 'text', text: 'before' }, { type: 'tool_result', tool_use_id: 't1' }] },
      ],
    });
    expect(r.system).toEqual([{ type: 'text', text: 'Be brief.' }]);
    expect(r.messages[2]).toEqual({
      role: 'user',
      content: [{ type: 'text', text: 'before' }, { type: 'tool_result', callId: 't1', content: [] }],
    });
  });

  it.each([
    [{ type: 'auto' }, { type: 'auto' }],
    [{ type: 'any' }, { type: 'required' }],
    [{ type: 'tool', name: 'f' }, { type: 'tool', name: 'f' }],
    [{ type: 'none' }, { type: 'none' }],
  ])('maps tool_choice %j', (wire, canonical) => {
    const r = decode({ ...base, tool_choice: wire });
    expect(r.toolChoice).toEqual(canonical);
    expect(r.parallelToolCalls).toBeUndefined();
  });

  it('maps the reasoning controls', () => {
    expect(decode({ ...base, thinking: { type: 'adaptive' } }).reasoning).toEqual({ effort: 'high', includeThoughts: true });
    expect(
      decode({ ...base, thinking: { type: 'adaptive', display: 'omitted' }, output_config: { effort: 'low' } }).reasoning,
    ).toEqual({ effort: 'low', includeThoughts: false });
    expect(decode({ ...base, output_config: { effort: 'max' } }).reasoning).toEqual({ effort: 'xhigh' });
    expect(decode({ ...base, thinking: { type: 'disabled' }, output_config: { effort: 'low' } }).reasoning).toBeUndefined();
    expect(decode({ ...base, thinking: { type: 'disabled' } }).reasoning).toBeUndefined();
  });

  it('maps output_config.format to a json_schema response format', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    const r = decode({ ...base, output_config: { format: { type: 'json_schema', schema } } });
    expect(r.responseFormat).toEqual({ type: 'json_schema', name: 'output', schema });
  });

  it('restores a foreign signature tagged by this gateway, and drops an empty one', () => {
    const r = decode({
      ...base,
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'a', signature: 'routecodex:gemini:CiQBjz1rX' },
            { type: 'thinking', thinking: 'b', signature: '' },
          ],
        },
      ],
    });
    expect(r.messages[1]?.content).toEqual([
      { type: 'reasoning', text: 'a', signature: { protocol: 'gemini', value: 'CiQBjz1rX' } },
      { type: 'reasoning', text: 'b' },
    ]);
  });

  it.each([
    [{ ...base, max_tokens: undefined }, 'max_tokens', /max_tokens: expected number/],
    [{ ...base, max_tokens: 0 }, 'max_tokens', /max_tokens: .*>=1/],
    [{ ...base, max_tokens: 1.5 }, 'max_tokens', /max_tokens: expected int/],
    [{ ...base, messages: [] }, 'messages', /messages: .*>=1/],
    [{ ...base, messages: [{ role: 'system', content: 'x' }] }, 'messages[0].role', /messages\[0\]\.role: .*"user"\|"assistant"/],
    [{ ...base, messages: [{ role: 'user', content: 5 }] }, 'messages[0].content', /expected string or array/],
    [
      { ...base, messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 3 }] }] },
      'messages[0].content[1].text',
      /messages\[0\]\.content\[1\]\.text: expected string/,
    ],
    [
      { ...base, messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }] },
      'messages[0].content[0].type',
      /content block type 'document' is not supported in a user message/,
    ],
    [
      { ...base, messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'x', name: 'f', input: {} }] }] },
      'messages[0].content[0].type',
      /'tool_use' is not supported in a user message/,
    ],
    [
      { ...base, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', data: 'x' } }] }] },
      'messages[0].content[0].source.media_type',
      /media_type: expected string/,
    ],
    [
      { ...base, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'x', name: 'f', input: 'str' }] }] },
      'messages[0].content[0].input',
      /input: expected record/,
    ],
    [
      {
        ...base,
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'video' }] }] }],
      },
      'messages[0].content[0].content[0].type',
      /'video' is not supported in a tool_result/,
    ],
    [{ ...base, tools: [{ name: 'f' }] }, 'tools[0].input_schema', /tools\[0\]\.input_schema: expected record/],
    [{ ...base, temperature: 2 }, 'temperature', /temperature: .*<=1/],
    [{ ...base, thinking: { type: 'enabled' } }, 'thinking.budget_tokens', /budget_tokens: expected number/],
    [{ ...base, system: [{ type: 'image' }] }, 'system[0].type', /system\[0\]\.type/],
    ['not an object', undefined, /request body: expected object/],
  ])('rejects a bad body (%#) with a 400 naming the path', (body, param, message) => {
    const e = rejection(body);
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid_request_error');
    expect(e.param).toBe(param);
    expect(e.message).toMatch(message);
  });

  it('decodes count_tokens bodies without max_tokens, and encodes the answer', () => {
    const { max_tokens: _unused, ...body } = base;
    const r = decodeCountTokensRequest(body);
    expect(r.maxOutputTokens).toBeUndefined();
    expect(r.messages).toHaveLength(1);
    expect(rejection(body).param).toBe('max_tokens');
    expect(rejection({ model: 'm' }, decodeCountTokensRequest).param).toBe('messages');
    expect(encodeCountTokensResponse(1234)).toEqual({ input_tokens: 1234 });
  });
});
