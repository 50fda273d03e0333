import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UpstreamFailure, type StreamEvent } from '../../canonical/index.js';
import { SseParser } from '../sse.js';
import type { EncodeContext } from '../types.js';
import { anthropicInbound, anthropicUpstream } from './index.js';

const raw = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const ctx: EncodeContext = { model: 'claude-sonnet-4-5', responseId: 'msg_gw', createdAt: 0, streamUsage: false };

function encodeAll(events: StreamEvent[]): string {
  const enc = anthropicInbound.createStreamEncoder(ctx);
  return events.map((e) => enc.encode(e)).join('');
}

/** The SSE frames as [event name, parsed data]. */
function frames(text: string): Array<[string | undefined, Record<string, unknown>]> {
  const parser = new SseParser();
  return [...parser.push(text), ...parser.end()].map((e) => [e.event, JSON.parse(e.data) as Record<string, unknown>]);
}

const usage = { inputTokens: 100, outputTokens: 20, cachedInputTokens: 60, cacheWriteInputTokens: 10 };

describe('anthropic stream encode', () => {
  const events = JSON.parse(raw('stream-thinking-tools.events.json')) as StreamEvent[];

  it('encodes thinking, text and two tool calls (golden)', () => {
    expect(encodeAll(events)).toBe(raw('stream-thinking-tools.encoded.sse'));
  });

  it('names every frame after its type', () => {
    for (const [name, data] of frames(encodeAll(events))) expect(name).toBe(data['type']);
  });

  it('decodes back to the same canonical events (round trip through the upstream decoder)', () => {
    const parser = new SseParser();
    const decoder = anthropicUpstream.createStreamDecoder();
    const back = parser.push(encodeAll(events)).flatMap((e) => decoder.push(e));
    const reported = events.map((e) => (e.type === 'message_start' ? { ...e, model: ctx.model } : e));
    expect([...back, ...decoder.end()]).toEqual(reported);
  });

  it('puts input usage known at the start in message_start, and the full usage in message_delta', () => {
    const out = frames(
      encodeAll([
        { type: 'message_start', id: 'chatcmpl-1', model: 'gpt-4.1' },
        { type: 'usage', usage: { inputTokens: 100, cachedInputTokens: 60, cacheWriteInputTokens: 10 } },
        { type: 'part_start', index: 0, part: { type: 'text' } },
        { type: 'text_delta', index: 0, text: 'hi' },
        { type: 'part_end', index: 0 },
        { type: 'message_end', stopReason: 'end_turn', usage },
      ]),
    );
    expect(out[0]).toEqual([
      'message_start',
      {
        type: 'message_start',
        message: {
          id: 'chatcmpl-1',
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: 30, output_tokens: 0, cache_creation_input_tokens: 10, cache_read_input_tokens: 60 },
        },
      },
    ]);
    expect(out.at(-2)).toEqual([
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: 'end_turn', stop_sequence: null },
        usage: { output_tokens: 20, input_tokens: 30, cache_read_input_tokens: 60, cache_creation_input_tokens: 10 },
      },
    ]);
    expect(out.at(-1)).toEqual(['message_stop', { type: 'message_stop' }]);
  });

  it('starts with zero usage when the upstream reports usage only at the end', () => {
    const out = frames(
      encodeAll([
        { type: 'message_start', id: '', model: 'gemini' },
        { type: 'part_start', index: 0, part: { type: 'tool_call', id: 'call_1', name: 'f' } },
        { type: 'part_end', index: 0 },
        { type: 'message_end', stopReason: 'max_tokens', usage },
      ]),
    );
    expect(out.map(([n]) => n)).toEqual(['message_start', 'content_block_start', 'content_block_stop', 'message_delta', 'message_stop']);
    const msg = out[0]![1]['message'] as Record<string, unknown>;
    expect(msg['id']).toBe('msg_gw');
    expect(msg['usage']).toEqual({ input_tokens: 0, output_tokens: 0, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 });
    expect((out[3]![1]['delta'] as Record<string, unknown>)['stop_reason']).toBe('max_tokens');
  });

  it('gives message_start the final usage when the stream ends before any content', () => {
    const out = frames(encodeAll([{ type: 'message_start', id: 'm', model: 'x' }, { type: 'message_end', stopReason: 'end_turn', usage }]));
    expect(out.map(([n]) => n)).toEqual(['message_start', 'message_delta', 'message_stop']);
    expect((out[0]![1]['message'] as Record<string, unknown>)['usage']).toEqual({
      input_tokens: 30,
      output_tokens: 20,
      cache_creation_input_tokens: 10,
      cache_read_input_tokens: 60,
    });
  });

  it('emits no block for empty parts, sends redacted thinking whole, and tags foreign signatures', () => {
    const out = frames(
      encodeAll([
        { type: 'message_start', id: 'r1', model: 'x' },
        { type: 'part_start', index: 0, part: { type: 'text' } },
        { type: 'text_delta', index: 0, text: '' },
        { type: 'part_end', index: 0 },
        { type: 'part_start', index: 1, part: { type: 'reasoning', redacted: true } },
        { type: 'reasoning_signature', index: 1, signature: { protocol: 'openai-responses', value: 'gAAAA' } },
        { type: 'part_end', index: 1 },
        { type: 'part_start', index: 2, part: { type: 'reasoning', redacted: true } },
        { type: 'part_end', index: 2 },
        { type: 'part_start', index: 3, part: { type: 'reasoning' } },
        { type: 'reasoning_delta', index: 3, text: 'hmm' },
        { type: 'reasoning_signature', index: 3, signature: { protocol: 'gemini', value: 'CiQB' } },
        { type: 'part_end', index: 3 },
        { type: 'part_start', index: 4, part: { type: 'text' } },
        { type: 'text_delta', index: 4, text: '1, 2' },
        { type: 'part_end', index: 4 },
        { type: 'message_end', stopReason: 'stop_sequence', stopSequence: '###', usage },
      ]),
    );
    expect(out.slice(1).map(([, d]) => d)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'redacted_thinking', data: 'routecodex:openai-responses:gAAAA' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'thinking_delta', thinking: 'hmm' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'signature_delta', signature: 'routecodex:gemini:CiQB' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 2, delta: { type: 'text_delta', text: '1, 2' } },
      { type: 'content_block_stop', index: 2 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'stop_sequence', stop_sequence: '###' },
        usage: { output_tokens: 20, input_tokens: 30, cache_read_input_tokens: 60, cache_creation_input_tokens: 10 },
      },
      { type: 'message_stop' },
    ]);
  });

  it('maps content_filter to refusal', () => {
    const out = frames(encodeAll([{ type: 'message_start', id: 'a', model: 'b' }, { type: 'message_end', stopReason: 'content_filter', usage }]));
    expect(out[1]![1]['delta']).toEqual({ stop_reason: 'refusal', stop_sequence: null });
  });

  it('encodes a canonical error event as an Anthropic error frame', () => {
    const text = encodeAll([
      { type: 'error', failure: new UpstreamFailure({ class: 'rate_limit', status: 429, message: 'slow down', providerKey: 'a.k.m' }) },
    ]);
    expect(frames(text)).toEqual([
      ['error', { type: 'error', error: { type: 'rate_limit_error', message: 'upstream a.k.m returned 429: slow down' } }],
    ]);
  });
});
