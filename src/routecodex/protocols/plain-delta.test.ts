/**
 * `isPlainDelta` of each stream decoder: plain content deltas of a started stream are recognised on the
 * raw text; everything that carries state (first event, finish, usage, tool calls, refusals, errors,
 * terminal events, garbled lines) is not. A wrong "true" would lose a terminal or an error, so the
 * negative cases matter most.
 */
import { describe, expect, it } from 'vitest';
import { AnthropicStreamDecoder } from './anthropic-messages/stream-decode.js';
import { ChatStreamDecoder } from './openai-chat/stream-decode.js';
import { ResponsesStreamDecoder } from './openai-responses/stream-decode.js';
import type { SseEvent } from './sse.js';
import type { StreamDecoder } from './types.js';

const ev = (data: unknown, event?: string): SseEvent => {
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  return { data: text, raw: `${event ? `event: ${event}\n` : ''}data: ${text}\n\n`, ...(event ? { event } : {}) };
};

function plain(decoder: StreamDecoder, e: SseEvent): boolean {
  return decoder.isPlainDelta!(e);
}

describe('chat', () => {
  const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    ev({ id: 'c1', object: 'chat.completion.chunk', model: 'm', choices: [{ index: 0, delta, finish_reason: null }], ...extra });
  const started = () => {
    const d = new ChatStreamDecoder();
    d.push(chunk({ role: 'assistant', content: '' }));
    return d;
  };

  it('a text or reasoning delta of a started stream is plain (usage: null too)', () => {
    const d = started();
    expect(plain(d, chunk({ content: 'Hello' }))).toBe(true);
    expect(plain(d, chunk({ reasoning_content: 'hmm' }))).toBe(true);
    expect(plain(d, chunk({ content: 'x' }, { usage: null }))).toBe(true);
    expect(plain(d, chunk({ content: 'the word "usage" and "error" in text' }))).toBe(true);
  });

  it('before the first chunk nothing is plain', () => {
    expect(plain(new ChatStreamDecoder(), chunk({ content: 'Hello' }))).toBe(false);
  });

  it('finish, usage, tool calls, refusals, errors, [DONE], named events and garbled lines are not', () => {
    const d = started();
    expect(plain(d, ev({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }))).toBe(false);
    expect(plain(d, ev('{"choices":[{"index":0,"delta":{},"finish_reason" : "length"}]}'))).toBe(false);
    expect(plain(d, chunk({}, { usage: { prompt_tokens: 1, completion_tokens: 2 } }))).toBe(false);
    expect(plain(d, chunk({ tool_calls: [{ index: 0, function: { arguments: '{"a"' } }] }))).toBe(false);
    expect(plain(d, chunk({ refusal: 'no' }))).toBe(false);
    expect(plain(d, ev({ error: { message: 'overloaded' } }))).toBe(false);
    expect(plain(d, chunk({ content: 'error' }))).toBe(false); // a value "error": decoded, to be safe
    expect(plain(d, ev('[DONE]'))).toBe(false);
    expect(plain(d, ev({ choices: [] }, 'error'))).toBe(false);
    expect(plain(d, ev('{this is not json'))).toBe(false);
  });

  it('after the stream is done nothing is plain', () => {
    const d = started();
    d.push(ev('[DONE]'));
    expect(plain(d, chunk({ content: 'late' }))).toBe(false);
  });
});

describe('anthropic', () => {
  const started = () => {
    const d = new AnthropicStreamDecoder();
    d.push(ev({ type: 'message_start', message: { id: 'msg_1', model: 'm', usage: { input_tokens: 1 } } }, 'message_start'));
    d.push(ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }, 'content_block_start'));
    return d;
  };
  const delta = (d: Record<string, unknown>) => ev({ type: 'content_block_delta', index: 0, delta: d }, 'content_block_delta');

  it('every content_block_delta of a started stream is plain', () => {
    const d = started();
    expect(plain(d, delta({ type: 'text_delta', text: 'Hi' }))).toBe(true);
    expect(plain(d, delta({ type: 'input_json_delta', partial_json: '{"a":' }))).toBe(true);
    expect(plain(d, ev({ type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'x' } }))).toBe(true);
  });

  it('other events, mismatched names, an error and a garbled line are not', () => {
    const d = started();
    expect(plain(new AnthropicStreamDecoder(), delta({ type: 'text_delta', text: 'Hi' }))).toBe(false);
    expect(plain(d, ev({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 3 } }, 'message_delta'))).toBe(false);
    expect(plain(d, ev({ type: 'content_block_stop', index: 0 }, 'content_block_stop'))).toBe(false);
    expect(plain(d, ev({ type: 'message_stop' }, 'message_stop'))).toBe(false);
    expect(plain(d, ev({ type: 'error', error: { type: 'overloaded_error', message: 'busy' } }, 'error'))).toBe(false);
    expect(plain(d, ev({ type: 'error', error: { message: 'x' } }, 'content_block_delta'))).toBe(false);
    expect(plain(d, ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } }, 'error'))).toBe(false);
    expect(plain(d, ev('{this is not json', 'content_block_delta'))).toBe(false);
  });
});

describe('responses', () => {
  const started = () => {
    const d = new ResponsesStreamDecoder();
    d.push(ev({ type: 'response.created', response: { id: 'resp_1', model: 'm' } }, 'response.created'));
    d.push(ev({ type: 'response.output_item.added', output_index: 0, item: { type: 'message', id: 'msg_1' } }, 'response.output_item.added'));
    return d;
  };

  it('text, reasoning and argument deltas are plain', () => {
    const d = started();
    for (const type of ['response.output_text.delta', 'response.reasoning_text.delta', 'response.reasoning_summary_text.delta', 'response.function_call_arguments.delta']) {
      expect(plain(d, ev({ type, output_index: 0, delta: 'x' }, type))).toBe(true);
    }
  });

  it('refusals, item and terminal events, failures and errors are not', () => {
    const d = started();
    expect(plain(new ResponsesStreamDecoder(), ev({ type: 'response.output_text.delta', delta: 'x' }))).toBe(false);
    for (const type of ['response.refusal.delta', 'response.output_item.done', 'response.completed', 'response.incomplete', 'response.failed', 'error']) {
      expect(plain(d, ev({ type, output_index: 0 }, type))).toBe(false);
    }
    expect(plain(d, ev({ type: 'error', message: 'x' }, 'response.output_text.delta'))).toBe(false);
  });
});

describe('skipping plain deltas changes no decision of the decoder', () => {
  it('chat: the same terminal, stop reason and usage with or without the deltas', () => {
    const events = [
      ev({ id: 'c', model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }),
      ev({ id: 'c', model: 'm', choices: [{ index: 0, delta: { content: 'Hel' }, finish_reason: null }] }),
      ev({ id: 'c', model: 'm', choices: [{ index: 0, delta: { content: 'lo' }, finish_reason: null }] }),
      ev({ id: 'c', model: 'm', choices: [{ index: 0, delta: {}, finish_reason: 'length' }] }),
      ev({ id: 'c', model: 'm', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2 } }),
    ];
    const full = new ChatStreamDecoder();
    const fullEnd = [...events.flatMap((e) => full.push(e)), ...full.end()].at(-1);
    const skipping = new ChatStreamDecoder();
    const skipEnd = [...events.flatMap((e) => (skipping.isPlainDelta(e) ? [] : skipping.push(e))), ...skipping.end()].at(-1);
    expect(skipEnd).toEqual(fullEnd);
    expect(skipEnd).toMatchObject({ type: 'message_end', stopReason: 'max_tokens' });
  });
});
