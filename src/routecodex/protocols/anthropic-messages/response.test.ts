import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UpstreamFailure, type CanonicalResponse, type StopReason } from '../../canonical/index.js';
import type { EncodeContext } from '../types.js';
import { anthropicInbound, anthropicUpstream } from './index.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const ctx: EncodeContext = { model: 'claude-sonnet-4-5', responseId: 'msg_gateway_1', createdAt: 1_750_000_000_000, streamUsage: false };
const SIG = 'EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds2v0lUZT3IXm2ViLj7vXWpVOvIbXJsjkd3ncQZTzbH8tgfG28pGdeNjWEAJmU8PlEaQBo7KVtVeFfYsWbEX6Y/Ri8tPVtbHL1JR3l8+UT6ZE=';
const REDACTED = 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP';

const canonical: CanonicalResponse = {
  id: 'msg_01Aq9w938a90dw8q',
  model: 'claude-sonnet-4-5-20250929',
  content: [
    { type: 'reasoning', text: 'The user wants the weather; call get_weather.', signature: { protocol: 'anthropic-messages', value: SIG } },
    { type: 'reasoning', text: '', redacted: true, signature: { protocol: 'anthropic-messages', value: REDACTED } },
    { type: 'text', text: "I'll check the weather in Zürich — 中文 😀." },
    { type: 'tool_call', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', arguments: '{"location":"Zürich, CH","unit":"celsius"}' },
  ],
  stopReason: 'tool_use',
  usage: { inputTokens: 3544, outputTokens: 189, cachedInputTokens: 2048, cacheWriteInputTokens: 1024 },
};

function failureOf(fn: () => unknown): UpstreamFailure {
  try {
    fn();
  } catch (e) {
    if (e instanceof UpstreamFailure) return e;
    throw e;
  }
  throw new Error('expected an UpstreamFailure');
}

describe('anthropic response decode', () => {
  it('decodes a thinking + tool_use response with cache usage (golden)', () => {
    expect(anthropicUpstream.decodeResponse(fixture('response-thinking-tool.json'))).toEqual(canonical);
  });

  it.each([
    ['end_turn', 'end_turn'],
    ['max_tokens', 'max_tokens'],
    ['tool_use', 'tool_use'],
    ['stop_sequence', 'stop_sequence'],
    ['refusal', 'refusal'],
    ['pause_turn', 'end_turn'],
    ['model_context_window_exceeded', 'max_tokens'],
  ])('maps stop_reason %s → %s', (wire, expected) => {
    const body = { ...(fixture('response-thinking-tool.json') as object), stop_reason: wire, stop_sequence: wire === 'stop_sequence' ? '###' : null };
    const r = anthropicUpstream.decodeResponse(body);
    expect(r.stopReason).toBe(expected);
    expect(r.stopSequence).toBe(wire === 'stop_sequence' ? '###' : undefined);
  });

  it('leaves out server-tool blocks and keeps the text; reads thinking_tokens', () => {
    const r = anthropicUpstream.decodeResponse({
      id: 'msg_1',
      type: 'message',
      role: 'assistant',
      model: 'claude-opus-4-1',
      content: [
        { type: 'server_tool_use', id: 'srvtoolu_1', name: 'web_search', input: { query: 'q' } },
        { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: [] },
        { type: 'text', text: 'Sunny.', citations: [{ type: 'web_search_result_location', url: 'https://x' }] },
      ],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 5, output_tokens_details: { thinking_tokens: 2 } },
    });
    expect(r.content).toEqual([{ type: 'text', text: 'Sunny.' }]);
    expect(r.usage).toEqual({ inputTokens: 10, outputTokens: 5, reasoningTokens: 2 });
  });

  it('throws a malformed UpstreamFailure for bodies that are not a message', () => {
    for (const body of [null, 'text', { type: 'message' }, { ...(fixture('response-thinking-tool.json') as object), content: [{ type: 'tool_use', id: 1 }] }]) {
      const f = failureOf(() => anthropicUpstream.decodeResponse(body));
      expect(f.class).toBe('malformed');
    }
  });

  it('classifies an error body delivered with a 2xx status', () => {
    const f = failureOf(() =>
      anthropicUpstream.decodeResponse({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
    );
    expect(f.class).toBe('server');
    expect(f.status).toBe(529);
    expect(f.upstreamCode).toBe('overloaded_error');
  });
});

describe('anthropic response encode', () => {
  it('encodes the canonical response as an Anthropic message (golden)', () => {
    expect(anthropicInbound.encodeResponse(canonical, ctx)).toEqual({
      id: 'msg_01Aq9w938a90dw8q',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', thinking: 'The user wants the weather; call get_weather.', signature: SIG },
        { type: 'redacted_thinking', data: REDACTED },
        { type: 'text', text: "I'll check the weather in Zürich — 中文 😀." },
        { type: 'tool_use', id: 'toolu_01A09q90qw90lq917835lq9', name: 'get_weather', input: { location: 'Zürich, CH', unit: 'celsius' } },
      ],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { input_tokens: 472, output_tokens: 189, cache_creation_input_tokens: 1024, cache_read_input_tokens: 2048 },
    });
  });

  it('round-trips the recorded response body', () => {
    const body = fixture('response-thinking-tool.json') as Record<string, unknown>;
    const again = anthropicInbound.encodeResponse(anthropicUpstream.decodeResponse(body), { ...ctx, model: String(body['model']) });
    const { cache_creation: _c, service_tier: _s, ...usage } = body['usage'] as Record<string, unknown>;
    const content = (body['content'] as Array<Record<string, unknown>>).map(({ citations: _x, ...b }) => b);
    expect(again).toEqual({ ...body, content, usage });
  });

  it('tags foreign signatures, sends unsigned thinking with an empty signature, and drops empty reasoning', () => {
    const r = anthropicInbound.encodeResponse(
      {
        id: '',
        model: 'gemini-2.5-pro',
        content: [
          { type: 'reasoning', text: 'thought', signature: { protocol: 'gemini', value: 'CiQB' } },
          { type: 'reasoning', text: 'summary only' },
          { type: 'reasoning', text: '' },
          { type: 'reasoning', text: '', redacted: true },
          { type: 'reasoning', text: '', redacted: true, signature: { protocol: 'openai-responses', value: 'gAAAA' } },
          { type: 'text', text: 'done' },
        ],
        stopReason: 'end_turn',
        usage: { inputTokens: 7, outputTokens: 3 },
      },
      ctx,
    ) as { id: string; content: unknown[]; usage: unknown };
    expect(r.id).toBe('msg_gateway_1');
    expect(r.content).toEqual([
      { type: 'thinking', thinking: 'thought', signature: 'routecodex:gemini:CiQB' },
      { type: 'thinking', thinking: 'summary only', signature: '' },
      { type: 'redacted_thinking', data: 'routecodex:openai-responses:gAAAA' },
      { type: 'text', text: 'done' },
    ]);
    expect(r.usage).toEqual({ input_tokens: 7, output_tokens: 3, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
  });

  it.each<[StopReason, string, string | null]>([
    ['end_turn', 'end_turn', null],
    ['max_tokens', 'max_tokens', null],
    ['tool_use', 'tool_use', null],
    ['stop_sequence', 'stop_sequence', '###'],
    ['refusal', 'refusal', null],
    ['content_filter', 'refusal', null],
  ])('maps stop reason %s → %s', (reason, wire, seq) => {
    const r = anthropicInbound.encodeResponse({ ...canonical, stopReason: reason, stopSequence: '###' }, ctx) as Record<string, unknown>;
    expect(r['stop_reason']).toBe(wire);
    expect(r['stop_sequence']).toBe(seq);
  });
});
