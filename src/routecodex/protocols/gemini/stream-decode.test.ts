import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../canonical/index.js';
import { sseFrame } from '../sse.js';
import { decodeSseChunks, decodeSseText, fixtureText, normalizeIds } from './test-helpers.js';

/** Checks the canonical stream invariants of stream.ts. */
function expectInvariants(events: StreamEvent[]): void {
  expect(events[0]?.type).toBe('message_start');
  const last = events[events.length - 1];
  expect(last?.type === 'message_end' || last?.type === 'error').toBe(true);
  expect(events.filter((e) => e.type === 'message_start')).toHaveLength(1);
  expect(events.filter((e) => e.type === 'message_end' || e.type === 'error')).toHaveLength(1);
  let open: number | undefined;
  let next = 0;
  for (const e of events) {
    if (e.type === 'part_start') {
      expect(open).toBeUndefined();
      expect(e.index).toBe(next++);
      open = e.index;
    } else if (e.type === 'part_end') {
      expect(e.index).toBe(open);
      open = undefined;
    } else if ('index' in e) {
      expect(e.index).toBe(open);
    }
  }
  if (last?.type === 'message_end') expect(open).toBeUndefined();
}

const chunk = (body: unknown): string => sseFrame(body);

describe('gemini stream decoding', () => {
  const toolsSse = fixtureText('stream-tools.sse');

  it('decodes thoughts, text, a signed and an unsigned function call, and the final usage', () => {
    const events = decodeSseText(toolsSse);
    expectInvariants(events);
    expect(normalizeIds(events)).toEqual([
      { type: 'message_start', id: '7HyDaNfUKa2W1dkP2tq0-Ag', model: 'gemini-2.5-flash' },
      { type: 'part_start', index: 0, part: { type: 'reasoning' } },
      { type: 'reasoning_delta', index: 0, text: '**Planning the lookup**\n\nThe user wants the weather in Zürich ' },
      { type: 'reasoning_delta', index: 0, text: 'and the local time (中文 note 😀).' },
      { type: 'part_end', index: 0 },
      { type: 'part_start', index: 1, part: { type: 'text' } },
      { type: 'text_delta', index: 1, text: 'Sure — checking Zürich ' },
      { type: 'text_delta', index: 1, text: 'for you 😀 (中文).' },
      { type: 'part_end', index: 1 },
      { type: 'part_start', index: 2, part: { type: 'reasoning' } },
      { type: 'reasoning_signature', index: 2, signature: { protocol: 'gemini', value: 'CiQBcsjafAmR6h0cGVtL7lKFs1hMzJk4v3Vb2dWq8xNnQ5pYq1kKZgFyyNp8' } },
      { type: 'part_end', index: 2 },
      { type: 'part_start', index: 3, part: { type: 'tool_call', id: 'call_GENERATED', name: 'get_weather' } },
      { type: 'tool_arguments_delta', index: 3, json: '{"city":"Zürich","unit":"celsius","note":"中文 😀 é"}' },
      { type: 'part_end', index: 3 },
      { type: 'part_start', index: 4, part: { type: 'tool_call', id: 'call_GENERATED', name: 'get_time' } },
      { type: 'tool_arguments_delta', index: 4, json: '{"city":"Zürich","format":"24h"}' },
      { type: 'part_end', index: 4 },
      {
        type: 'message_end',
        stopReason: 'tool_use',
        usage: { inputTokens: 1187, outputTokens: 146, cachedInputTokens: 1024, reasoningTokens: 104 },
      },
    ]);
  });

  it('yields exactly two tool calls whose argument fragments form the full JSON', () => {
    const events = decodeSseText(toolsSse);
    const calls = events.flatMap((e) => (e.type === 'part_start' && e.part.type === 'tool_call' ? [e.index] : []));
    expect(calls).toHaveLength(2);
    const args = calls.map((i) =>
      events
        .filter((e): e is Extract<StreamEvent, { type: 'tool_arguments_delta' }> => e.type === 'tool_arguments_delta' && e.index === i)
        .map((e) => e.json)
        .join(''),
    );
    expect(args.map((a) => JSON.parse(a) as unknown)).toEqual([
      { city: 'Zürich', unit: 'celsius', note: '中文 😀 é' },
      { city: 'Zürich', format: '24h' },
    ]);
    const ids = events.flatMap((e) => (e.type === 'part_start' && e.part.type === 'tool_call' ? [e.part.id] : []));
    expect(new Set(ids).size).toBe(2);
  });

  it('decodes identically when the bytes are split at every offset (multi-byte UTF-8 and CRLF included)', () => {
    const bytes = new TextEncoder().encode(toolsSse);
    const reference = normalizeIds(decodeSseChunks([bytes]));
    for (let i = 0; i <= bytes.length; i++) {
      expect(normalizeIds(decodeSseChunks([bytes.slice(0, i), bytes.slice(i)]))).toEqual(reference);
    }
    const oneByOne = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(normalizeIds(decodeSseChunks(oneByOne))).toEqual(reference);
  });

  it('keeps a final empty-text signature (Gemini 3) as a signed reasoning part after the text', () => {
    const events = decodeSseText(fixtureText('stream-text-signed.sse'));
    expectInvariants(events);
    expect(events).toEqual([
      { type: 'message_start', id: 'IZI2acSKMoWl0-kPmYj2yQc', model: 'gemini-3-pro-preview' },
      { type: 'part_start', index: 0, part: { type: 'text' } },
      { type: 'text_delta', index: 0, text: 'Okay, here is a haiku about the sea:\n\n' },
      { type: 'text_delta', index: 0, text: "Waves fold into foam,\nsalt wind carries the gull's cry,\nthe tide keeps its time." },
      { type: 'part_end', index: 0 },
      { type: 'part_start', index: 1, part: { type: 'reasoning' } },
      { type: 'reasoning_signature', index: 1, signature: { protocol: 'gemini', value: 'EuwDCukDAdHtim9Kc0nPz4v7oWbH1Lq3Yy0mRZtZ8d2Qk6s1fQ==' } },
      { type: 'part_end', index: 1 },
      { type: 'message_end', stopReason: 'end_turn', usage: { inputTokens: 8, outputTokens: 243, reasoningTokens: 212 } },
    ]);
  });

  it('starts a new part on every thought/text switch and after a signed thought', () => {
    const sse = [
      chunk({ candidates: [{ content: { parts: [{ text: 'a', thought: true }] } }], responseId: 'r1', modelVersion: 'm' }),
      chunk({ candidates: [{ content: { parts: [{ text: 'b', thought: true, thoughtSignature: 's1' }] } }] }),
      chunk({ candidates: [{ content: { parts: [{ text: 'c', thought: true, thoughtSignature: 's2' }] } }] }),
      chunk({ candidates: [{ content: { parts: [{ text: 'd' }, { text: 'e', thoughtSignature: 's3' }] } }] }),
      chunk({ candidates: [{ content: { parts: [{ text: '' }, { text: 'f' }] }, finishReason: 'MAX_TOKENS' }] }),
    ].join('');
    const events = decodeSseText(sse);
    expectInvariants(events);
    expect(events).toEqual([
      { type: 'message_start', id: 'r1', model: 'm' },
      { type: 'part_start', index: 0, part: { type: 'reasoning' } },
      { type: 'reasoning_delta', index: 0, text: 'a' },
      { type: 'reasoning_delta', index: 0, text: 'b' },
      { type: 'reasoning_signature', index: 0, signature: { protocol: 'gemini', value: 's1' } },
      { type: 'part_end', index: 0 },
      { type: 'part_start', index: 1, part: { type: 'reasoning' } },
      { type: 'reasoning_delta', index: 1, text: 'c' },
      { type: 'reasoning_signature', index: 1, signature: { protocol: 'gemini', value: 's2' } },
      { type: 'part_end', index: 1 },
      { type: 'part_start', index: 2, part: { type: 'text' } },
      { type: 'text_delta', index: 2, text: 'd' },
      { type: 'part_end', index: 2 },
      { type: 'part_start', index: 3, part: { type: 'reasoning' } },
      { type: 'reasoning_signature', index: 3, signature: { protocol: 'gemini', value: 's3' } },
      { type: 'part_end', index: 3 },
      { type: 'part_start', index: 4, part: { type: 'text' } },
      { type: 'text_delta', index: 4, text: 'e' },
      { type: 'text_delta', index: 4, text: 'f' },
      { type: 'part_end', index: 4 },
      { type: 'message_end', stopReason: 'max_tokens', usage: { inputTokens: 0, outputTokens: 0 } },
    ]);
  });

  it('uses the function call id Gemini gives', () => {
    const events = decodeSseText(
      chunk({ candidates: [{ content: { parts: [{ functionCall: { name: 'f', id: 'fc-1' } }] }, finishReason: 'STOP' }], responseId: 'r' }),
    );
    expect(events.slice(1, 4)).toEqual([
      { type: 'part_start', index: 0, part: { type: 'tool_call', id: 'fc-1', name: 'f' } },
      { type: 'tool_arguments_delta', index: 0, json: '{}' },
      { type: 'part_end', index: 0 },
    ]);
  });

  it('turns an in-band error into an error event and stops', () => {
    const events = decodeSseText(fixtureText('stream-error.sse'));
    expect(events.map((e) => e.type)).toEqual(['message_start', 'part_start', 'text_delta', 'error']);
    const last = events[3];
    expect(last?.type === 'error' && last.failure.toJSON()).toEqual({
      class: 'server',
      status: 503,
      upstreamCode: 'UNAVAILABLE',
      message: 'The model is overloaded. Please try again later.',
    });
  });

  it('reports stream_broken when the stream ends without a finishReason', () => {
    const cut = decodeSseText(chunk({ candidates: [{ content: { parts: [{ text: 'half' }] } }], responseId: 'r' }));
    expect(cut.map((e) => e.type)).toEqual(['message_start', 'part_start', 'text_delta', 'error']);
    const last = cut[cut.length - 1];
    expect(last?.type === 'error' && last.failure.class).toBe('stream_broken');
    const empty = decodeSseText('');
    expect(empty).toHaveLength(1);
    expect(empty[0]?.type === 'error' && empty[0].failure.class).toBe('stream_broken');
  });

  it('reports malformed for unparseable or wrongly shaped data and ignores what follows', () => {
    const bad = decodeSseText(`data: {"candidates": [\n\n${chunk({ candidates: [{ finishReason: 'STOP' }] })}`);
    expect(bad).toHaveLength(1);
    expect(bad[0]?.type === 'error' && bad[0].failure.class).toBe('malformed');
    const shape = decodeSseText(chunk({ candidates: 'nope' }));
    expect(shape).toHaveLength(1);
    expect(shape[0]?.type === 'error' && shape[0].failure.class).toBe('malformed');
  });

  it('ends a prompt blocked before any candidate with content_filter', () => {
    const events = decodeSseText(
      chunk({ promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 }, responseId: 'rb', modelVersion: 'gemini-2.5-pro' }),
    );
    expect(events).toEqual([
      { type: 'message_start', id: 'rb', model: 'gemini-2.5-pro' },
      { type: 'message_end', stopReason: 'content_filter', usage: { inputTokens: 12, outputTokens: 0 } },
    ]);
  });

  it('turns a MALFORMED_FUNCTION_CALL finish into a malformed error at the end', () => {
    const events = decodeSseText(
      chunk({ candidates: [{ content: {}, finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'Malformed function call: x(' }], responseId: 'r' }),
    );
    expect(events.map((e) => e.type)).toEqual(['message_start', 'error']);
    const last = events[1];
    expect(last?.type === 'error' && last.failure.toJSON()).toEqual({
      class: 'malformed',
      upstreamCode: 'MALFORMED_FUNCTION_CALL',
      message: 'Malformed function call: x(',
    });
  });

  it('generates a message id when the chunk has none', () => {
    const events = decodeSseText(chunk({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'STOP' }] }));
    expect(events[0]).toEqual({ type: 'message_start', id: expect.stringMatching(/^gemini-[0-9a-f]{24}$/), model: '' });
  });
});
