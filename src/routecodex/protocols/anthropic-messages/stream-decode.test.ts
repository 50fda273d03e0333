import { describe, expect, it } from 'vitest';
import { StreamAccumulator, UpstreamFailure, type StreamEvent } from '../../canonical/index.js';
import { decodeChunks as decodeWith, fixturesOf } from '../test-support.js';
import { anthropicUpstream } from './index.js';

const fixtures = fixturesOf(import.meta.url);
const raw = fixtures.text;
const json = fixtures.json;

/** Feeds byte chunks through the SSE parser and a fresh decoder; failures become plain objects. */
function decodeChunks(chunks: Uint8Array[]): unknown[] {
  return decodeWith(anthropicUpstream.createStreamDecoder(), chunks).map((e) => (e.type === 'error' ? { type: 'error', failure: e.failure.toJSON() } : e));
}
const decodeText = (text: string) => decodeChunks([new TextEncoder().encode(text)]);

function failureOf(events: unknown[]): ReturnType<UpstreamFailure['toJSON']> {
  const last = events.at(-1) as { type: string; failure: ReturnType<UpstreamFailure['toJSON']> };
  expect(last.type).toBe('error');
  return last.failure;
}

const frame = (data: unknown, event?: string) => `${event ? `event: ${event}\n` : ''}data: ${JSON.stringify(data)}\n\n`;
const start = frame({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-x', content: [], usage: { input_tokens: 5, output_tokens: 1 } } }, 'message_start');

describe('anthropic stream decode', () => {
  const expected = json('stream-thinking-tools.events.json');

  it('decodes thinking, text and two streamed tool calls (golden)', () => {
    expect(decodeText(raw('stream-thinking-tools.sse'))).toEqual(expected);
  });

  it('yields exactly two tool-call parts whose fragments concatenate to the full JSON', () => {
    const events = decodeText(raw('stream-thinking-tools.sse')) as StreamEvent[];
    const calls = events.filter((e) => e.type === 'part_start' && e.part.type === 'tool_call') as Array<Extract<StreamEvent, { type: 'part_start' }>>;
    expect(calls.map((c) => c.index)).toEqual([2, 3]);
    const args = (i: number) => events.map((e) => (e.type === 'tool_arguments_delta' && e.index === i ? e.json : '')).join('');
    expect(JSON.parse(args(2))).toEqual({ location: 'Zürich, CH', unit: 'celsius', note: 'café 中文 😀' });
    expect(args(2)).toBe('{"location": "Zürich, CH", "unit": "celsius", "note": "café 中文 😀"}');
    expect(JSON.parse(args(3))).toEqual({ location: '北京', unit: 'celsius' });
  });

  it('yields identical events when the bytes are split at every offset (multi-byte UTF-8 included)', () => {
    const text = raw('stream-thinking-tools.sse');
    for (const ch of ['é', '中', '😀']) expect(text.split('\n').filter((l) => l.includes(ch) && l.includes('partial_json')).length).toBeGreaterThan(0);
    const bytes = new TextEncoder().encode(text);
    for (let k = 0; k <= bytes.length; k++) {
      const got = decodeChunks([bytes.subarray(0, k), bytes.subarray(k)]);
      if (JSON.stringify(got) !== JSON.stringify(expected)) expect(got, `split at byte ${k}`).toEqual(expected);
    }
    expect(decodeChunks(Array.from(bytes, (b) => Uint8Array.of(b)))).toEqual(expected);
  });

  it('accumulates into the same response a non-streamed call returns', () => {
    const acc = new StreamAccumulator();
    for (const e of decodeText(raw('stream-thinking-tools.sse')) as StreamEvent[]) acc.push(e);
    expect(acc.toResponse().content.map((p) => p.type)).toEqual(['reasoning', 'text', 'tool_call', 'tool_call']);
    expect(acc.toResponse().usage).toEqual({ inputTokens: 3544, outputTokens: 189, cachedInputTokens: 2048, cacheWriteInputTokens: 1024 });
  });

  it('skips server-tool blocks and citations, renumbering parts, and merges message_delta usage', () => {
    expect(decodeText(raw('stream-server-tools.sse'))).toEqual([
      { type: 'message_start', id: 'msg_01Ws4sxMNi6ZKCgSgA9hdsPF', model: 'claude-opus-4-1-20250805' },
      { type: 'usage', usage: { inputTokens: 2679, outputTokens: 3, cachedInputTokens: 0, cacheWriteInputTokens: 0 } },
      { type: 'part_start', index: 0, part: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'It is sunny in New York today, with a high of 75°F.' },
      { type: 'part_end', index: 0 },
      { type: 'message_end', stopReason: 'end_turn', usage: { inputTokens: 10682, outputTokens: 510, cachedInputTokens: 0, cacheWriteInputTokens: 0 } },
    ]);
  });

  it('decodes redacted thinking and a stop sequence', () => {
    expect(decodeText(raw('stream-redacted-stop-sequence.sse'))).toEqual([
      { type: 'message_start', id: 'msg_01Gv3Qq8b2S4m4dSg3nY5rTq', model: 'claude-3-7-sonnet-20250219' },
      { type: 'usage', usage: { inputTokens: 38, outputTokens: 1, cachedInputTokens: 0, cacheWriteInputTokens: 0 } },
      { type: 'part_start', index: 0, part: { type: 'reasoning', redacted: true } },
      {
        type: 'reasoning_signature',
        index: 0,
        signature: { protocol: 'anthropic-messages', value: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP' },
      },
      { type: 'part_end', index: 0 },
      { type: 'part_start', index: 1, part: { type: 'text' } },
      { type: 'text_delta', index: 1, text: '1, 2, 3' },
      { type: 'part_end', index: 1 },
      { type: 'message_end', stopReason: 'stop_sequence', stopSequence: '###', usage: { inputTokens: 38, outputTokens: 42, cachedInputTokens: 0, cacheWriteInputTokens: 0 } },
    ]);
  });

  it('turns an in-band overloaded_error into a server failure with status 529 and stops', () => {
    const events = decodeText(raw('stream-overloaded.sse'));
    expect(events.slice(0, -1).map((e) => (e as StreamEvent).type)).toEqual(['message_start', 'usage', 'part_start', 'text_delta']);
    expect(failureOf(events)).toEqual({ class: 'server', status: 529, upstreamCode: 'overloaded_error', message: 'Overloaded' });
  });

  it.each([
    ['rate_limit_error', 'Rate limited', 'rate_limit', 429],
    ['invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum', 'context_length', 400],
    ['api_error', 'Internal server error', 'server', 500],
    ['authentication_error', 'invalid x-api-key', 'auth', 401],
  ])('maps in-band %s (%s) to %s', (type, message, cls, status) => {
    const events = decodeText(start + frame({ type: 'error', error: { type, message } }, 'error'));
    expect(failureOf(events)).toEqual({ class: cls, status, upstreamCode: type, message });
  });

  it('reports unparseable data as malformed and ignores what follows', () => {
    const events = decodeText(`${start}event: content_block_start\ndata: {"type":"content_block_start","index":0,\n\n${frame({ type: 'message_stop' }, 'message_stop')}`);
    expect(events).toHaveLength(3);
    expect(failureOf(events).class).toBe('malformed');
  });

  it('reports content before message_start as malformed', () => {
    expect(failureOf(decodeText(frame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }))).class).toBe('malformed');
  });

  it('reports a stream that ends without message_stop as stream_broken', () => {
    const events = decodeText(start + frame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'));
    expect(failureOf(events).class).toBe('stream_broken');
    expect(decodeText('')).toEqual([{ type: 'error', failure: { class: 'stream_broken', message: 'Anthropic stream ended before message_stop' } }]);
  });

  it('tolerates proxies: no event lines, whole tool input at start, a missing content_block_stop', () => {
    const text = [
      { type: 'message_start', message: { id: 'msg_p', model: 'claude-proxy' } },
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: 'Hi ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'there' } },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_9', name: 'f', input: { a: 'é' } } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 9 } },
      { type: 'message_stop' },
    ]
      .map((d) => frame(d))
      .join('');
    expect(decodeText(text)).toEqual([
      { type: 'message_start', id: 'msg_p', model: 'claude-proxy' },
      { type: 'part_start', index: 0, part: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Hi ' },
      { type: 'text_delta', index: 0, text: 'there' },
      { type: 'part_end', index: 0 },
      { type: 'part_start', index: 1, part: { type: 'tool_call', id: 'toolu_9', name: 'f' } },
      { type: 'tool_arguments_delta', index: 1, json: '{"a":"é"}' },
      { type: 'part_end', index: 1 },
      { type: 'message_end', stopReason: 'tool_use', usage: { inputTokens: 0, outputTokens: 9 } },
    ]);
  });
});
