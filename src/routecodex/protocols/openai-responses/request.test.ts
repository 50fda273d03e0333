import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GatewayError, type CanonicalRequest } from '../../canonical/index.js';
import { readResponsesContinuation, responsesInbound, responsesUpstream } from './index.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

function decodeError(body: unknown): GatewayError {
  try {
    responsesInbound.decodeRequest(body);
  } catch (e) {
    if (e instanceof GatewayError) return e;
    throw e;
  }
  throw new Error('expected a GatewayError');
}

const base = (over: Partial<CanonicalRequest> = {}): CanonicalRequest => ({
  model: 'm',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  tools: [],
  stream: false,
  ...over,
});

describe('Responses request decode (inbound)', () => {
  it('decodes a full recorded-shape request to the golden canonical request', () => {
    expect(responsesInbound.decodeRequest(fixture('request-full.json'))).toEqual(fixture('request-full.canonical.json'));
  });

  it('decodes a string input as one user message, and an absent input as no messages', () => {
    expect(responsesInbound.decodeRequest({ model: 'gpt-4.1', input: 'Hello' })).toEqual({
      model: 'gpt-4.1',
      system: [],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
      tools: [],
      stream: false,
    });
    expect(responsesInbound.decodeRequest({ model: 'gpt-4.1', previous_response_id: 'resp_1' }).messages).toEqual([]);
  });

  it('maps reasoning, tool_choice and text.format variants', () => {
    const d = (extra: Record<string, unknown>): CanonicalRequest => responsesInbound.decodeRequest({ model: 'm', input: 'x', ...extra });
    expect(d({ reasoning: { effort: 'low' } }).reasoning).toEqual({ effort: 'low' });
    expect(d({ reasoning: { summary: 'concise' } }).reasoning).toEqual({ includeThoughts: true });
    expect(d({ reasoning: { effort: 'none', summary: 'auto' } }).reasoning).toBeUndefined();
    expect(d({ reasoning: { effort: null } }).reasoning).toBeUndefined();
    expect(d({ tool_choice: 'required' }).toolChoice).toEqual({ type: 'required' });
    expect(d({ tool_choice: 'none' }).toolChoice).toEqual({ type: 'none' });
    expect(d({ tool_choice: { type: 'function', name: 'f' } }).toolChoice).toEqual({ type: 'tool', name: 'f' });
    expect(d({ tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [] } }).toolChoice).toEqual({ type: 'auto' });
    expect(d({ tool_choice: { type: 'web_search_preview' } }).toolChoice).toEqual({ type: 'required' });
    expect(d({ text: { format: { type: 'json_object' } } }).responseFormat).toEqual({ type: 'json_object' });
    expect(d({ text: { format: { type: 'text' } } }).responseFormat).toEqual({ type: 'text' });
    expect(d({ stream: false, store: true, truncation: 'auto', include: ['x'] }).stream).toBe(false);
  });

  it('merges consecutive same-role items and reads reasoning content when there is no summary', () => {
    const req = responsesInbound.decodeRequest({
      model: 'm',
      input: [
        { role: 'user', content: 'a' },
        { role: 'user', content: [{ type: 'input_text', text: 'b' }] },
        { type: 'reasoning', id: 'rs_1', summary: [], content: [{ type: 'reasoning_text', text: 'raw thought' }] },
        { type: 'function_call', call_id: 'c1', name: 'f', arguments: '{}' },
        { role: 'system', content: 'late system' },
        { type: 'function_call_output', call_id: 'c1', output: 'ok' },
      ],
    });
    expect(req.system).toEqual([{ type: 'text', text: 'late system' }]);
    expect(req.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'raw thought' },
          { type: 'tool_call', id: 'c1', name: 'f', arguments: '{}' },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', callId: 'c1', name: 'f', content: [{ type: 'text', text: 'ok' }] }] },
    ]);
  });

  it.each([
    [{ input: 'x' }, 'model', /model/],
    [{ model: 'm', input: 42 }, 'input', /expected string or array, received number/],
    [{ model: 'm', input: ['x'] }, 'input[0]', /expected an input item object/],
    [{ model: 'm', input: [{ content: 'x' }] }, 'input[0]', /missing 'type'/],
    [{ model: 'm', input: [{ role: 'tool', content: 'x' }] }, 'input[0].role', /unsupported role/],
    [{ model: 'm', input: [{ role: 'user', content: 7 }] }, 'input[0].content', /expected string or array, received number/],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_audio' }] }] }, 'input[0].content[0].type', /unsupported content part type/],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_text', text: 1 }] }] }, 'input[0].content[0].text', /expected string/],
    [
      { model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] },
      'input[0].content[0].file_id',
      /'file_id' images are not supported/,
    ],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'input_image', image_url: 'ftp://x' }] }] }, 'input[0].content[0].image_url', /http\(s\) URL/],
    [
      { model: 'm', input: [{ role: 'assistant', content: [{ type: 'input_image', image_url: 'https://x/y.png' }] }] },
      'input[0].content[0].type',
      /not allowed in assistant messages/,
    ],
    [{ model: 'm', input: [{ role: 'user', content: [{ type: 'refusal', refusal: 'no' }] }] }, 'input[0].content[0].type', /only allowed in assistant/],
    [{ model: 'm', input: [{ type: 'function_call', name: 'f', arguments: '{}' }] }, 'input[0].call_id', /expected string/],
    [{ model: 'm', input: [{ type: 'function_call_output', call_id: 'c', output: 5 }] }, 'input[0].output', /expected string or array, received number/],
    [{ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }, 'input[0].type', /'item_reference' is not supported/],
    [{ model: 'm', input: [{ type: 'computer_call_output', call_id: 'c' }] }, 'input[0].type', /unsupported input item type 'computer_call_output'/],
    [{ model: 'm', tools: [{ type: 'function', parameters: {} }] }, 'tools[0].name', /expected string/],
    [{ model: 'm', tools: [{ name: 'x' }] }, 'tools[0].type', /expected string/],
    [{ model: 'm', tool_choice: 5 }, 'tool_choice', /expected 'auto'/],
    [{ model: 'm', max_output_tokens: -1 }, 'max_output_tokens', /expected number to be >0/],
    [{ model: 'm', reasoning: { effort: 'extreme' } }, 'reasoning.effort', /expected one of/],
    [{ model: 'm', text: { format: { type: 'yaml' } } }, 'text.format.type', /unsupported text.format type/],
    [{ model: 'm', text: { format: { type: 'json_schema', name: 'x' } } }, 'text.format.schema', /expected record/],
  ])('rejects %j at %s', (body, param, message) => {
    const e = decodeError(body);
    expect(e.status).toBe(400);
    expect(e.code).toBe('invalid_request_error');
    expect(e.param).toBe(param);
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${param}: `)).toBe(true);
  });

  it('reads the continuation fields leniently', () => {
    expect(readResponsesContinuation(fixture('request-full.json'))).toEqual({
      previousResponseId: 'resp_previous123',
      store: false,
      promptCacheKey: '3f5c1a2e-session',
    });
    expect(readResponsesContinuation({ previous_response_id: 5, store: 'yes', prompt_cache_key: '' })).toEqual({});
    expect(readResponsesContinuation('nope')).toEqual({});
  });
});

describe('Responses request encode (upstream)', () => {
  it('encodes the golden canonical request to the golden upstream body', () => {
    const canonical = fixture('request-full.canonical.json') as CanonicalRequest;
    const out = responsesUpstream.encodeRequest(canonical, 'o4-mini');
    expect(out.path).toBe('/responses');
    expect(out.body).toEqual(fixture('request-full.upstream.json'));
  });

  it('is stateless and minimal without reasoning', () => {
    expect(responsesUpstream.encodeRequest(base(), 'gpt-4.1').body).toEqual({
      model: 'gpt-4.1',
      input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }],
      stream: false,
      store: false,
    });
  });

  it('drops what Responses cannot carry and maps budgets and forced tools', () => {
    const body = responsesUpstream.encodeRequest(
      base({
        messages: [
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'claude thinking', signature: { protocol: 'anthropic-messages', value: 'sig' } },
              { type: 'reasoning', text: 'unsigned' },
              { type: 'text', text: '' },
              { type: 'tool_call', id: 't1', name: 'f', arguments: '{"a":1}' },
            ],
          },
          {
            role: 'user',
            content: [{ type: 'tool_result', callId: 't1', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }], isError: true }],
          },
        ],
        tools: [
          { type: 'builtin', kind: 'web_search_20250305', name: 'web_search', raw: { type: 'web_search_20250305', name: 'web_search' } },
          { type: 'builtin', kind: 'googleSearch', raw: { googleSearch: {} } },
          { type: 'function', name: 'f', parameters: { type: 'object' } },
        ],
        toolChoice: { type: 'tool', name: 'f' },
        stopSequences: ['END'],
        reasoning: { budgetTokens: 3000 },
      }),
      'o3',
    ).body;
    expect(body.input).toEqual([
      { type: 'function_call', call_id: 't1', name: 'f', arguments: '{"a":1}' },
      { type: 'function_call_output', call_id: 't1', output: 'a\nb' },
    ]);
    expect(body.tools).toEqual([{ type: 'function', name: 'f', parameters: { type: 'object' } }]);
    expect(body.tool_choice).toEqual({ type: 'function', name: 'f' });
    expect(body.reasoning).toEqual({ effort: 'low' });
    expect(body.include).toEqual(['reasoning.encrypted_content']);
    expect(body).not.toHaveProperty('stop');
    expect(body).not.toHaveProperty('instructions');
  });

  it('has the Responses path and bearer auth', () => {
    expect(responsesUpstream.requestPath('gpt-4.1', true)).toBe('/responses');
    expect(responsesUpstream.authHeaders('sk-test')).toEqual({ Authorization: 'Bearer sk-test' });
  });
});
