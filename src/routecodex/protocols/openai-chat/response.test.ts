import { describe, expect, it } from 'vitest';
import { UpstreamFailure, type CanonicalResponse } from '../../canonical/index.js';
import type { EncodeContext } from '../types.js';
import { openaiChatInbound, openaiChatUpstream } from './index.js';
import { fixtureJson } from './test-util.js';

const ctx: EncodeContext = { model: 'my-alias', responseId: 'chatcmpl-gw123', createdAt: 1_754_556_400_999, streamUsage: false };
const decode = (body: unknown): CanonicalResponse => openaiChatUpstream.decodeResponse(body);
const completion = (message: Record<string, unknown>, finish_reason: string | null = 'stop', extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion',
  model: 'm',
  choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason }],
  ...extra,
});

describe('openai-chat response decode', () => {
  it('decodes a recorded OpenAI tool-call completion (golden)', () => {
    expect(decode(fixtureJson('response-tool-calls.json'))).toEqual({
      id: 'chatcmpl-C3xLr8Ms3XnA9UoZc5WiHe2tQgFpB',
      model: 'gpt-4.1-2025-04-14',
      content: [
        { type: 'text', text: 'Je vérifie.' },
        { type: 'tool_call', id: 'call_Vq1mN8cR4tY7uI0oP2aS5dF9', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'tool_call', id: 'call_Zx3cV6bN9mQ2wE5rT8yU1iO4', name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 1893, outputTokens: 58, cachedInputTokens: 1536, reasoningTokens: 0 },
    });
  });

  it('decodes a recorded DeepSeek reasoning completion, reasoning first (golden)', () => {
    expect(decode(fixtureJson('deepseek-response-reasoning.json'))).toEqual({
      id: '8a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      model: 'deepseek-reasoner',
      content: [
        { type: 'reasoning', text: 'The user asks for 2+2. That is 4.' },
        { type: 'text', text: '2 + 2 = **4**.' },
      ],
      stopReason: 'max_tokens',
      usage: { inputTokens: 18, outputTokens: 42, cachedInputTokens: 0, reasoningTokens: 31 },
    });
  });

  it('maps every finish_reason', () => {
    expect(decode(completion({ content: 'a' }, 'stop')).stopReason).toBe('end_turn');
    expect(decode(completion({ content: 'a' }, 'length')).stopReason).toBe('max_tokens');
    expect(decode(completion({ content: 'a' }, 'content_filter')).stopReason).toBe('content_filter');
    expect(decode(completion({ content: 'a' }, null)).stopReason).toBe('end_turn');
    const tc = [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }];
    expect(decode(completion({ content: null, tool_calls: tc }, 'tool_calls')).stopReason).toBe('tool_use');
    expect(decode(completion({ content: null, tool_calls: tc }, 'stop')).stopReason).toBe('tool_use');
  });

  it('decodes refusals, legacy function_call, `reasoning`, content parts and DeepSeek cache hits', () => {
    const r = decode(completion({ content: null, refusal: "I can't help with that." }));
    expect(r.content).toEqual([{ type: 'text', text: "I can't help with that." }]);
    expect(r.stopReason).toBe('refusal');
    const f = decode(completion({ content: null, function_call: { name: 'lookup', arguments: '{"q":1}' } }, 'function_call'));
    expect(f.content).toEqual([{ type: 'tool_call', id: expect.stringMatching(/^call_/), name: 'lookup', arguments: '{"q":1}' }]);
    expect(f.stopReason).toBe('tool_use');
    const v = decode(completion({ content: [{ type: 'text', text: 'x' }], reasoning: 'think' }, 'stop', {
      usage: { prompt_tokens: 10, completion_tokens: 2, prompt_cache_hit_tokens: 8 },
    }));
    expect(v.content).toEqual([{ type: 'reasoning', text: 'think' }, { type: 'text', text: 'x' }]);
    expect(v.usage).toEqual({ inputTokens: 10, outputTokens: 2, cachedInputTokens: 8 });
    const noId = decode(completion({ tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }));
    expect(noId.content[0]).toMatchObject({ type: 'tool_call', id: expect.stringMatching(/^call_[0-9a-f]{24}$/) });
    expect(decode({ choices: [{ message: { content: 'x' } }] })).toEqual({
      id: '',
      model: '',
      content: [{ type: 'text', text: 'x' }],
      stopReason: 'end_turn',
      usage: { inputTokens: 0, outputTokens: 0 },
    });
  });

  it.each([
    ['a string', 'upstream exploded', /expected object/],
    ['no choices', { id: 'x', choices: [] }, /choices: .*>=1/],
    ['content of wrong type', completion({ content: 42 }), /choices\[0\]\.message\.content: expected string or array/],
  ])('throws a malformed UpstreamFailure on %s', (_name, body, message) => {
    let caught: unknown;
    try {
      decode(body);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UpstreamFailure);
    expect((caught as UpstreamFailure).class).toBe('malformed');
    expect((caught as UpstreamFailure).message).toMatch(message);
  });

  it.each([
    ['no status', { error: { message: 'bad' } }, 'server'],
    ['a rate-limit code', { error: { message: 'slow down', code: 'rate_limit_exceeded' } }, 'rate_limit'],
    ['a context-length code', { error: { message: 'too long', code: 'context_length_exceeded' } }, 'context_length'],
  ])('an error body answered with 200 (%s) is that failure, not malformed data', (_name, body, cls) => {
    let caught: unknown;
    try {
      decode(body);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UpstreamFailure);
    expect((caught as UpstreamFailure).class).toBe(cls);
  });
});

describe('openai-chat response encode', () => {
  it('encodes text, reasoning, tool calls and usage (golden)', () => {
    const response: CanonicalResponse = {
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      model: 'claude-sonnet-4-5',
      content: [
        { type: 'reasoning', text: 'Need the weather.', signature: { protocol: 'anthropic-messages', value: 'EqQB' } },
        { type: 'text', text: 'Je vérifie.' },
        { type: 'tool_call', id: 'toolu_01A', name: 'get_weather', arguments: '{"city":"Paris"}' },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 2100, outputTokens: 80, cachedInputTokens: 2000, cacheWriteInputTokens: 50, reasoningTokens: 12 },
    };
    expect(openaiChatInbound.encodeResponse(response, ctx)).toEqual({
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      created: 1754556400,
      model: 'my-alias',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Je vérifie.',
            refusal: null,
            reasoning_content: 'Need the weather.',
            tool_calls: [{ id: 'toolu_01A', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
          },
          logprobs: null,
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 2100,
        completion_tokens: 80,
        total_tokens: 2180,
        prompt_tokens_details: { cached_tokens: 2000 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    });
  });

  it('uses ctx.responseId for an empty id, null content without text, and maps every stop reason', () => {
    const base: CanonicalResponse = { id: '', model: 'x', content: [], stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 0 } };
    const body = openaiChatInbound.encodeResponse(base, ctx) as { id: string; choices: Array<{ message: Record<string, unknown> }> };
    expect(body.id).toBe('chatcmpl-gw123');
    expect(body.choices[0]!.message).toEqual({ role: 'assistant', content: null, refusal: null });
    const finish = (stopReason: CanonicalResponse['stopReason']) =>
      (openaiChatInbound.encodeResponse({ ...base, stopReason }, ctx) as { choices: Array<{ finish_reason: string }> }).choices[0]!
        .finish_reason;
    expect(finish('end_turn')).toBe('stop');
    expect(finish('stop_sequence')).toBe('stop');
    expect(finish('max_tokens')).toBe('length');
    expect(finish('tool_use')).toBe('tool_calls');
    expect(finish('content_filter')).toBe('content_filter');
    expect(finish('refusal')).toBe('content_filter');
  });

  it('round-trips a decoded completion', () => {
    const decoded = decode(fixtureJson('response-tool-calls.json'));
    expect(decode(openaiChatInbound.encodeResponse(decoded, ctx))).toEqual({ ...decoded, model: 'my-alias' });
  });
});
