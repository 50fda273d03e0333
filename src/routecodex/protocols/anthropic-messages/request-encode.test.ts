import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CanonicalMessage, CanonicalRequest } from '../../canonical/index.js';
import { anthropicInbound, anthropicUpstream } from './index.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const base: CanonicalRequest = {
  model: 'gpt-4.1',
  system: [],
  messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
  tools: [],
  stream: false,
};
const encode = (req: Partial<CanonicalRequest>) => anthropicUpstream.encodeRequest({ ...base, ...req }, 'claude-sonnet-4-5').body;
const fn = { type: 'function' as const, name: 'f', parameters: { type: 'object' } };

describe('anthropic request encode', () => {
  it('encodes the full canonical request (golden)', () => {
    const req = fixture('request-full.canonical.json') as CanonicalRequest;
    const out = anthropicUpstream.encodeRequest(req, 'claude-opus-4-1-20250805');
    expect(out.path).toBe('/v1/messages');
    expect(out.body).toEqual(fixture('request-full.encoded.json'));
  });

  it('round-trips an Anthropic request through the canonical model', () => {
    const wire = {
      model: 'claude-sonnet-4-5',
      max_tokens: 2000,
      system: [{ type: 'text', text: 'sys' }],
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'f', input: { x: [1, 'é'] } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'ok' }] }] },
      ],
      tools: [{ name: 'f', description: 'd', input_schema: { type: 'object' } }],
      tool_choice: { type: 'any' },
      temperature: 0.2,
      stop_sequences: ['END'],
      stream: false,
    };
    const again = anthropicUpstream.encodeRequest(anthropicInbound.decodeRequest(wire), 'claude-sonnet-4-5').body;
    expect(again).toEqual(wire);
  });

  it('authenticates with x-api-key and pins anthropic-version; the path has /v1', () => {
    expect(anthropicUpstream.authHeaders('sk-ant-123')).toEqual({ 'x-api-key': 'sk-ant-123', 'anthropic-version': '2023-06-01' });
    expect(anthropicUpstream.requestPath('claude-x', true)).toBe('/v1/messages');
    expect(anthropicUpstream.requestPath('claude-x', false)).toBe('/v1/messages');
  });

  it('merges consecutive same-role messages and puts tool results first in the user turn', () => {
    const messages: CanonicalMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'a' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'calling' }] },
      { role: 'assistant', content: [{ type: 'tool_call', id: 'call_1', name: 'f', arguments: '{"q":1}' }] },
      { role: 'user', content: [{ type: 'text', text: 'also this' }] },
      { role: 'user', content: [{ type: 'tool_result', callId: 'call_1', content: [{ type: 'text', text: 'r' }] }] },
    ];
    expect(encode({ messages, tools: [fn] })['messages']).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'a' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'calling' },
          { type: 'tool_use', id: 'call_1', name: 'f', input: { q: 1 } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: 'r' }] },
          { type: 'text', text: 'also this' },
        ],
      },
    ]);
  });

  it('sanitizes tool-call ids in tool_use and tool_result alike, and leaves out empty text and messages', () => {
    const messages: CanonicalMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: '' },
          { type: 'tool_call', id: 'fc.12:ab/c', name: 'f', arguments: '' },
          { type: 'tool_call', id: 'x', name: 'f', arguments: 'not json' },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', callId: 'fc.12:ab/c', content: [] }, { type: 'tool_result', callId: 'x', content: [] }] },
      { role: 'assistant', content: [] },
    ];
    expect(encode({ messages, tools: [fn] })['messages']).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'go' }] },
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 'fc_12_ab_c', name: 'f', input: {} },
          { type: 'tool_use', id: 'x', name: 'f', input: { _raw: 'not json' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'fc_12_ab_c' },
          { type: 'tool_result', tool_use_id: 'x' },
        ],
      },
    ]);
  });

  it('drops reasoning not signed by Anthropic and builtin tools not declared for Anthropic', () => {
    const body = encode({
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'q' }] },
        {
          role: 'assistant',
          content: [
            { type: 'reasoning', text: 'unsigned' },
            { type: 'reasoning', text: 'gemini', signature: { protocol: 'gemini', value: 'sig' } },
            { type: 'reasoning', text: '', redacted: true, signature: { protocol: 'openai-responses', value: 'enc' } },
            { type: 'text', text: 'answer' },
          ],
        },
      ],
      tools: [
        fn,
        { type: 'builtin', kind: 'web_search_preview', raw: { type: 'web_search_preview' } },
        { type: 'builtin', kind: 'googleSearch', raw: { googleSearch: {} } },
        { type: 'builtin', kind: 'bash_20250124', name: 'bash', raw: { type: 'bash_20250124', name: 'bash' } },
      ],
    });
    expect(body['messages']).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'answer' }] },
    ]);
    expect(body['tools']).toEqual([
      { name: 'f', input_schema: { type: 'object' } },
      { type: 'bash_20250124', name: 'bash' },
    ]);
  });

  it('defaults max_tokens to 8192 and maps tool_choice and parallelToolCalls', () => {
    expect(encode({})['max_tokens']).toBe(8192);
    expect(encode({ toolChoice: { type: 'required' } })['tool_choice']).toBeUndefined(); // no tools, no choice
    expect(encode({ tools: [fn], toolChoice: { type: 'required' } })['tool_choice']).toEqual({ type: 'any' });
    expect(encode({ tools: [fn], toolChoice: { type: 'tool', name: 'f' }, parallelToolCalls: false })['tool_choice']).toEqual({
      type: 'tool',
      name: 'f',
      disable_parallel_tool_use: true,
    });
    expect(encode({ tools: [fn], parallelToolCalls: false })['tool_choice']).toEqual({ type: 'auto', disable_parallel_tool_use: true });
    expect(encode({ tools: [fn], toolChoice: { type: 'none' } })['tool_choice']).toEqual({ type: 'none' });
    expect(encode({ tools: [fn] })['tool_choice']).toBeUndefined();
  });

  it('turns reasoning into a thinking budget and keeps max_tokens above it', () => {
    const effortOnly = encode({ reasoning: { effort: 'high' }, temperature: 0.3, topP: 0.5 });
    expect(effortOnly['thinking']).toEqual({ type: 'enabled', budget_tokens: 24_000 });
    expect(effortOnly['max_tokens']).toBe(24_000 + 4096);
    expect(effortOnly['temperature']).toBeUndefined();
    expect(effortOnly['top_p']).toBeUndefined();

    const small = encode({ reasoning: { budgetTokens: 500 }, maxOutputTokens: 4000 });
    expect(small['thinking']).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(small['max_tokens']).toBe(4000);

    const raised = encode({ reasoning: { budgetTokens: 5000 }, maxOutputTokens: 2000, topP: 0.97 });
    expect(raised['max_tokens']).toBe(7000);
    expect(raised['top_p']).toBe(0.97);

    expect(encode({ reasoning: { effort: 'minimal' } })['thinking']).toEqual({ type: 'enabled', budget_tokens: 1024 });
    expect(encode({ reasoning: { includeThoughts: true } })['thinking']).toBeUndefined();
  });

  it('sends temperature without thinking, and prefers it over top_p', () => {
    expect(encode({ temperature: 0.2 })['temperature']).toBe(0.2);
    const both = encode({ temperature: 0.2, topP: 0.9 });
    expect(both['temperature']).toBe(0.2);
    expect(both['top_p']).toBeUndefined();
    expect(encode({ topP: 0.9 })['top_p']).toBe(0.9);
  });

  it('drops thinking when tool use is forced or the pending tool turn has no signed thinking', () => {
    expect(encode({ tools: [fn], toolChoice: { type: 'required' }, reasoning: { effort: 'low' } })['thinking']).toBeUndefined();
    const loop: CanonicalMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'q' }] },
      { role: 'assistant', content: [{ type: 'tool_call', id: 'c1', name: 'f', arguments: '{}' }] },
      { role: 'user', content: [{ type: 'tool_result', callId: 'c1', content: [{ type: 'text', text: 'r' }] }] },
    ];
    expect(encode({ tools: [fn], messages: loop, reasoning: { effort: 'low' } })['thinking']).toBeUndefined();
    const signed: CanonicalMessage[] = [
      loop[0]!,
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 't', signature: { protocol: 'anthropic-messages', value: 's' } },
          { type: 'tool_call', id: 'c1', name: 'f', arguments: '{}' },
        ],
      },
      loop[2]!,
    ];
    expect(encode({ tools: [fn], messages: signed, reasoning: { effort: 'low' } })['thinking']).toEqual({
      type: 'enabled',
      budget_tokens: 4096,
    });
  });

  it('appends a JSON instruction to the system prompt for JSON response formats', () => {
    const obj = encode({ system: [{ type: 'text', text: 'sys' }], responseFormat: { type: 'json_object' } });
    expect(obj['system']).toEqual([
      { type: 'text', text: 'sys' },
      { type: 'text', text: expect.stringMatching(/^Respond with a single valid JSON object only/) },
    ]);
    const schema = encode({ responseFormat: { type: 'json_schema', name: 'answer', schema: { type: 'object', required: ['a'] } } });
    expect(schema['system']).toEqual([
      { type: 'text', text: expect.stringContaining('(answer): {"type":"object","required":["a"]}') },
    ]);
    expect(encode({ responseFormat: { type: 'text' } })['system']).toBeUndefined();
  });

  it('maps user, stop sequences and stream', () => {
    const body = encode({ user: 'u1', stopSequences: ['x'], stream: true });
    expect(body['metadata']).toEqual({ user_id: 'u1' });
    expect(body['stop_sequences']).toEqual(['x']);
    expect(body['stream']).toBe(true);
  });
});
