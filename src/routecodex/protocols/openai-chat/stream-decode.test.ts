import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../canonical/index.js';
import { sseFrame } from '../sse.js';
import { openaiChatUpstream } from './index.js';
import { decodeChunks, decodeSseText, fixtureText } from './test-util.js';

const decoder = () => openaiChatUpstream.createStreamDecoder();
const decodeText = (text: string): StreamEvent[] => decodeSseText(decoder(), text);
const head = { id: 'chatcmpl-x', object: 'chat.completion.chunk', created: 1, model: 'm' };
const chunk = (delta: Record<string, unknown>, finish_reason: string | null = null, extra: Record<string, unknown> = {}) =>
  sseFrame({ ...head, choices: [{ index: 0, delta, finish_reason }], ...extra });
const DONE = 'data: [DONE]\n\n';

function failureOf(events: StreamEvent[]): { class: string; message: string } {
  const last = events.at(-1);
  if (last?.type !== 'error') throw new Error(`expected an error event last, got ${JSON.stringify(last)}`);
  return { class: last.failure.class, message: last.failure.message };
}

describe('openai-chat stream decode', () => {
  const toolSse = fixtureText('openai-stream-tool-calls.sse');
  const weatherArgs = ['{"', 'city', '":"', 'Pé', 'kin ', '中', '心 ', '😀', '","', 'unit', '":"', 'celsius', '","', 'days', '":', '3', '}'];
  const usage = { inputTokens: 1893, outputTokens: 71, cachedInputTokens: 1536, reasoningTokens: 0 };

  it('decodes a recorded OpenAI stream with text and two streamed tool calls (golden)', () => {
    const expected: StreamEvent[] = [
      { type: 'message_start', id: 'chatcmpl-C3xKq9Lr2WmZ8TnYb4VhGd1sPfEoA', model: 'gpt-4.1-2025-04-14' },
      { type: 'part_start', index: 0, part: { type: 'text' } },
      ...['Je ', 'vérifie', ' la météo à ', '中', '国', ' et l’heure 😀', '.'].map(
        (text): StreamEvent => ({ type: 'text_delta', index: 0, text }),
      ),
      { type: 'part_end', index: 0 },
      { type: 'part_start', index: 1, part: { type: 'tool_call', id: 'call_Vq1mN8cR4tY7uI0oP2aS5dF9', name: 'get_weather' } },
      ...weatherArgs.map((json): StreamEvent => ({ type: 'tool_arguments_delta', index: 1, json })),
      { type: 'part_end', index: 1 },
      { type: 'part_start', index: 2, part: { type: 'tool_call', id: 'call_Zx3cV6bN9mQ2wE5rT8yU1iO4', name: 'get_time' } },
      ...['{"tz', '":"Asia/', 'Shanghai"}'].map((json): StreamEvent => ({ type: 'tool_arguments_delta', index: 2, json })),
      { type: 'part_end', index: 2 },
      { type: 'usage', usage },
      { type: 'message_end', stopReason: 'tool_use', usage },
    ];
    const events = decodeText(toolSse);
    expect(events).toEqual(expected);
    const calls = events.filter((e) => e.type === 'part_start' && e.part.type === 'tool_call');
    expect(calls).toHaveLength(2);
    const args = (i: number) =>
      events.flatMap((e) => (e.type === 'tool_arguments_delta' && e.index === i ? [e.json] : [])).join('');
    expect(JSON.parse(args(1))).toEqual({ city: 'Pékin 中心 😀', unit: 'celsius', days: 3 });
    expect(args(2)).toBe('{"tz":"Asia/Shanghai"}');
  });

  it('yields identical events when the bytes are split at every offset', () => {
    const bytes = new TextEncoder().encode(toolSse);
    const baseline = decodeChunks(decoder(), [bytes]);
    for (let i = 0; i <= bytes.length; i++) {
      const events = decodeChunks(decoder(), [bytes.subarray(0, i), bytes.subarray(i)]);
      if (JSON.stringify(events) !== JSON.stringify(baseline)) expect.fail(`split at byte ${i} changed the events`);
    }
    const oneByteChunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(decodeChunks(decoder(), oneByteChunks)).toEqual(baseline);
  });

  it('decodes a recorded DeepSeek reasoning stream with usage on the finish chunk (golden)', () => {
    const u = { inputTokens: 18, outputTokens: 42, cachedInputTokens: 0, reasoningTokens: 31 };
    expect(decodeText(fixtureText('deepseek-stream-reasoning.sse'))).toEqual([
      { type: 'message_start', id: '5f3c1a9e-7b2d-4e8f-9a6c-0d1e2f3a4b5c', model: 'deepseek-reasoner' },
      { type: 'part_start', index: 0, part: { type: 'reasoning' } },
      { type: 'reasoning_delta', index: 0, text: 'The user' },
      { type: 'reasoning_delta', index: 0, text: ' asks for 2+2' },
      { type: 'reasoning_delta', index: 0, text: '. That is 4' },
      { type: 'reasoning_delta', index: 0, text: '.' },
      { type: 'part_end', index: 0 },
      { type: 'part_start', index: 1, part: { type: 'text' } },
      { type: 'text_delta', index: 1, text: '2 + 2' },
      { type: 'text_delta', index: 1, text: ' = **4**' },
      { type: 'text_delta', index: 1, text: '.' },
      { type: 'part_end', index: 1 },
      { type: 'usage', usage: u },
      { type: 'message_end', stopReason: 'end_turn', usage: u },
    ]);
  });

  it('reads `delta.reasoning`, refusals, and merges usage reported in several chunks', () => {
    const events = decodeText(
      chunk({ role: 'assistant', reasoning: 'hmm' }, null, { usage: { prompt_tokens: 10 } }) +
        chunk({ refusal: 'No.' }) +
        chunk({}, 'stop') +
        sseFrame({ ...head, choices: [], usage: { completion_tokens: 3, prompt_tokens_details: { cached_tokens: 4 } } }) +
        DONE,
    );
    expect(events).toEqual([
      { type: 'message_start', id: 'chatcmpl-x', model: 'm' },
      { type: 'part_start', index: 0, part: { type: 'reasoning' } },
      { type: 'reasoning_delta', index: 0, text: 'hmm' },
      { type: 'usage', usage: { inputTokens: 10 } },
      { type: 'part_end', index: 0 },
      { type: 'part_start', index: 1, part: { type: 'text' } },
      { type: 'text_delta', index: 1, text: 'No.' },
      { type: 'part_end', index: 1 },
      { type: 'usage', usage: { outputTokens: 3, cachedInputTokens: 4 } },
      { type: 'message_end', stopReason: 'refusal', usage: { inputTokens: 10, outputTokens: 3, cachedInputTokens: 4 } },
    ]);
  });

  it('maps finish reasons, and treats finish_reason + end without [DONE] as complete', () => {
    const end = (sse: string) => decodeText(sse).at(-1);
    expect(end(chunk({ content: 'a' }, 'length') + DONE)).toMatchObject({ type: 'message_end', stopReason: 'max_tokens' });
    expect(end(chunk({ content: 'a' }, 'content_filter'))).toMatchObject({ type: 'message_end', stopReason: 'content_filter' });
    expect(end(chunk({ content: 'a' }) + DONE)).toMatchObject({ type: 'message_end', stopReason: 'end_turn' });
    expect(end(chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] }, 'stop'))).toMatchObject({
      type: 'message_end',
      stopReason: 'tool_use',
    });
  });

  it('ends with stream_broken when neither finish_reason nor [DONE] came, or [DONE] came first', () => {
    const events = decodeText(chunk({ role: 'assistant', content: '' }) + chunk({ content: 'partial' }));
    expect(events.map((e) => e.type)).toEqual(['message_start', 'part_start', 'text_delta', 'error']);
    expect(failureOf(events).class).toBe('stream_broken');
    expect(failureOf(decodeText(DONE)).class).toBe('stream_broken');
    expect(failureOf(decodeText('')).class).toBe('stream_broken');
  });

  it('reports unparseable data and wrongly typed chunks as malformed, then stops', () => {
    const bad = decodeText(chunk({ content: 'a' }) + 'data: {"id":\n\n' + chunk({ content: 'b' }) + DONE);
    expect(bad.map((e) => e.type)).toEqual(['message_start', 'part_start', 'text_delta', 'error']);
    expect(failureOf(bad)).toMatchObject({ class: 'malformed', message: expect.stringContaining('unparseable') });
    const typed = decodeText(chunk({ content: 42 }));
    expect(failureOf(typed)).toMatchObject({ class: 'malformed', message: expect.stringContaining('choices[0].delta.content') });
  });

  it('turns in-band error payloads into error events with their class', () => {
    const cls = (payload: unknown, event?: string) => failureOf(decodeText(chunk({ content: 'a' }) + sseFrame(payload, event)));
    expect(cls({ error: { message: 'too long', type: 'invalid_request_error', code: 'context_length_exceeded' } })).toEqual({
      class: 'context_length',
      message: 'too long',
    });
    expect(cls({ error: { message: 'Rate limit exceeded', code: 429 } }).class).toBe('rate_limit');
    expect(cls({ error: { message: 'slow down', type: 'rate_limit_error' } }).class).toBe('rate_limit');
    expect(cls({ error: { message: 'The server had an error', type: 'server_error', code: null } })).toEqual({
      class: 'server',
      message: 'The server had an error',
    });
    expect(cls({ message: 'overloaded' }, 'error').class).toBe('server');
  });

  it('rejects a fragment for a tool call that already ended instead of corrupting it', () => {
    const call = (index: number, id: string | undefined, args: string) =>
      chunk({ tool_calls: [{ index, ...(id ? { id, type: 'function', function: { name: `f${index}`, arguments: args } } : { function: { arguments: args } }) }] });
    const events = decodeText(call(0, 'c0', '{"a"') + call(1, 'c1', '{}') + call(0, undefined, ':1}') + chunk({}, 'tool_calls') + DONE);
    expect(events.slice(0, -1).map((e) => e.type)).toEqual([
      'message_start',
      'part_start',
      'tool_arguments_delta',
      'part_end',
      'part_start',
      'tool_arguments_delta',
    ]);
    expect(failureOf(events)).toMatchObject({
      class: 'malformed',
      message: expect.stringContaining('interleaved tool-call fragments are not supported'),
    });
  });

  it('handles servers that omit the tool-call index or reuse index 0 for each call', () => {
    const parts = (sse: string) =>
      decodeText(sse).flatMap((e): unknown[] => (e.type === 'part_start' ? [e.part] : e.type === 'tool_arguments_delta' ? [e.json] : []));
    const noIndex =
      chunk({ tool_calls: [{ id: 'a', function: { name: 'f', arguments: '{"x"' } }] }) +
      chunk({ tool_calls: [{ function: { arguments: ':1}' } }] }) +
      chunk({ tool_calls: [{ id: 'b', function: { name: 'g', arguments: '{}' } }] }) +
      chunk({}, 'tool_calls') +
      DONE;
    const reused =
      chunk({ tool_calls: [{ index: 0, id: 'a', function: { name: 'f', arguments: '{"x"' } }] }) +
      chunk({ tool_calls: [{ index: 0, id: 'a', function: { arguments: ':1}' } }] }) +
      chunk({ tool_calls: [{ index: 0, id: 'b', function: { name: 'g', arguments: '{}' } }] }) +
      chunk({}, 'tool_calls') +
      DONE;
    const expected = [{ type: 'tool_call', id: 'a', name: 'f' }, '{"x"', ':1}', { type: 'tool_call', id: 'b', name: 'g' }, '{}'];
    expect(parts(noIndex)).toEqual(expected);
    expect(parts(reused)).toEqual(expected);
  });

  it('ignores everything after the terminal event', () => {
    const d = decoder();
    const events = decodeChunks(d, [new TextEncoder().encode(chunk({ content: 'a' }, 'stop') + DONE + chunk({ content: 'late' }))]);
    expect(events.at(-1)).toMatchObject({ type: 'message_end' });
    expect(events.filter((e) => e.type === 'text_delta')).toHaveLength(1);
    expect(d.end()).toEqual([]);
  });
});
