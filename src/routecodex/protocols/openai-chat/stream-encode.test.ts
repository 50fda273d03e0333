import { describe, expect, it } from 'vitest';
import { GatewayError, UpstreamFailure, type StreamEvent } from '../../canonical/index.js';
import type { EncodeContext } from '../types.js';
import { openaiChatInbound, openaiChatUpstream } from './index.js';
import { decodeSseText } from './test-util.js';

const ctx: EncodeContext = { model: 'my-alias', responseId: 'chatcmpl-gw1', createdAt: 1_754_556_321_500, streamUsage: true };
const usage = { inputTokens: 120, outputTokens: 40, cachedInputTokens: 100, reasoningTokens: 9 };

const sampleEvents: StreamEvent[] = [
  { type: 'message_start', id: '', model: 'claude-sonnet-4-5' },
  { type: 'part_start', index: 0, part: { type: 'reasoning' } },
  { type: 'reasoning_delta', index: 0, text: 'Need weather.' },
  { type: 'reasoning_signature', index: 0, signature: { protocol: 'anthropic-messages', value: 'EqQB' } },
  { type: 'part_end', index: 0 },
  { type: 'part_start', index: 1, part: { type: 'text' } },
  { type: 'text_delta', index: 1, text: 'Hé 中😀' },
  { type: 'text_delta', index: 1, text: '' },
  { type: 'part_end', index: 1 },
  { type: 'part_start', index: 2, part: { type: 'tool_call', id: 'toolu_01', name: 'get_weather' } },
  { type: 'tool_arguments_delta', index: 2, json: '{"city":' },
  { type: 'tool_arguments_delta', index: 2, json: '"Paris"}' },
  { type: 'part_end', index: 2 },
  { type: 'part_start', index: 3, part: { type: 'tool_call', id: 'toolu_02', name: 'get_time' } },
  { type: 'tool_arguments_delta', index: 3, json: '{}' },
  { type: 'part_end', index: 3 },
  { type: 'usage', usage: { inputTokens: 120 } },
  { type: 'message_end', stopReason: 'tool_use', usage },
];

function encodeAll(events: StreamEvent[], c: EncodeContext = ctx): string {
  const enc = openaiChatInbound.createStreamEncoder(c);
  return events.map((e) => enc.encode(e)).join('');
}

/** The `data:` payloads of an SSE text, JSON-parsed except `[DONE]`. */
function payloads(sse: string): unknown[] {
  return sse
    .split('\n\n')
    .filter((f) => f !== '')
    .map((f) => {
      expect(f.startsWith('data: ')).toBe(true);
      const data = f.slice('data: '.length);
      return data === '[DONE]' ? data : JSON.parse(data);
    });
}

describe('openai-chat stream encode', () => {
  it('encodes reasoning, text, two tool calls, finish and usage chunks (golden)', () => {
    const h = { id: 'chatcmpl-gw1', object: 'chat.completion.chunk', created: 1754556321, model: 'my-alias' };
    const c = (delta: Record<string, unknown>, finish_reason: string | null = null) => ({
      ...h,
      choices: [{ index: 0, delta, logprobs: null, finish_reason }],
    });
    expect(payloads(encodeAll(sampleEvents))).toEqual([
      c({ role: 'assistant', content: '' }),
      c({ reasoning_content: 'Need weather.' }),
      c({ content: 'Hé 中😀' }),
      c({ tool_calls: [{ index: 0, id: 'toolu_01', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      c({ tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] }),
      c({ tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] }),
      c({ tool_calls: [{ index: 1, id: 'toolu_02', type: 'function', function: { name: 'get_time', arguments: '' } }] }),
      c({ tool_calls: [{ index: 1, function: { arguments: '{}' } }] }),
      c({}, 'tool_calls'),
      {
        ...h,
        choices: [],
        usage: {
          prompt_tokens: 120,
          completion_tokens: 40,
          total_tokens: 160,
          prompt_tokens_details: { cached_tokens: 100 },
          completion_tokens_details: { reasoning_tokens: 9 },
        },
      },
      '[DONE]',
    ]);
  });

  it('omits the usage chunk unless the client asked for it, and keeps an upstream id', () => {
    const out = payloads(
      encodeAll(
        [
          { type: 'message_start', id: 'chatcmpl-up', model: 'x' },
          { type: 'message_end', stopReason: 'max_tokens', usage },
        ],
        { ...ctx, streamUsage: false },
      ),
    );
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({ id: 'chatcmpl-up' });
    expect(out[1]).toMatchObject({ id: 'chatcmpl-up', choices: [{ finish_reason: 'length' }] });
    expect(out[2]).toBe('[DONE]');
  });

  it('round-trips through the upstream stream decoder', () => {
    const decoded = decodeSseText(openaiChatUpstream.createStreamDecoder(), encodeAll(sampleEvents));
    const expected = sampleEvents.filter(
      (e) => e.type !== 'reasoning_signature' && e.type !== 'usage' && !(e.type === 'text_delta' && e.text === ''),
    );
    expect(decoded).toEqual([
      ...expected.slice(0, -1).map((e) => (e.type === 'message_start' ? { ...e, id: 'chatcmpl-gw1', model: 'my-alias' } : e)),
      { type: 'usage', usage },
      expected.at(-1),
    ]);
  });

  it('encodes failures as an in-band error payload without [DONE]', () => {
    const enc = openaiChatInbound.createStreamEncoder(ctx);
    const failure = new UpstreamFailure({ class: 'server', message: 'boom', status: 500, providerKey: 'openai.key1.gpt-4.1' });
    const frame = enc.encode({ type: 'error', failure });
    expect(frame).not.toContain('[DONE]');
    expect(payloads(frame)).toEqual([
      { error: { message: 'upstream openai.key1.gpt-4.1 returned 500: boom', type: 'api_error', param: null, code: 'server' } },
    ]);
    expect(payloads(enc.encodeError(new GatewayError(400, 'invalid_request_error', 'bad', 'messages')))).toEqual([
      { error: { message: 'bad', type: 'invalid_request_error', param: 'messages', code: 'invalid_request_error' } },
    ]);
  });
});
