import { describe, expect, it } from 'vitest';
import { GatewayError, UpstreamFailure, type StreamEvent } from '../../canonical/index.js';
import type { EncodeContext } from '../types.js';
import { responsesInbound, responsesUpstream } from './index.js';
import { assemble, decodeChunks, fixtureJson, readFixture } from './test-support.js';

const ctx: EncodeContext = { model: 'o4-mini', responseId: 'resp_gw0123456789', createdAt: 1756488151000, streamUsage: false };
const encodeAll = (events: StreamEvent[]): string => {
  const enc = responsesInbound.createStreamEncoder(ctx);
  return events.map((e) => enc.encode(e)).join('');
};
const frames = (sse: string): Array<{ event: string; data: Record<string, unknown> }> =>
  sse
    .split('\n\n')
    .filter((f) => f !== '')
    .map((f) => {
      const [ev, data] = f.split('\n');
      return { event: ev!.slice('event: '.length), data: JSON.parse(data!.slice('data: '.length)) as Record<string, unknown> };
    });
const goldenEvents = fixtureJson<StreamEvent[]>('stream-tool-calls.events.json');
const usage = { inputTokens: 3, outputTokens: 4 };

describe('Responses stream encode', () => {
  it('encodes the golden canonical events to the golden SSE', () => {
    expect(encodeAll(goldenEvents)).toBe(readFixture('stream-tool-calls.encoded.sse'));
  });

  it('numbers every event, names it by its type, and decodes back to the same events', () => {
    const sse = encodeAll(goldenEvents);
    const fs = frames(sse);
    expect(fs.map((f) => f.data.sequence_number)).toEqual(fs.map((_, i) => i));
    for (const f of fs) expect(f.data.type).toBe(f.event);
    const back = decodeChunks(responsesUpstream.createStreamDecoder(), [new TextEncoder().encode(sse)]);
    expect(back).toEqual([{ type: 'message_start', id: ctx.responseId, model: ctx.model }, ...goldenEvents.slice(1)]);
    const completed = fs[fs.length - 1]!.data.response as Record<string, unknown>;
    expect(completed).toEqual(fixtureJson('response-tool-calls.encoded.json'));
  });

  it('skips reasoning with nothing to show, drops foreign signatures, and reports max_tokens as response.incomplete', () => {
    const sse = encodeAll([
      { type: 'message_start', id: 'x', model: 'claude' },
      { type: 'part_start', index: 0, part: { type: 'reasoning' } },
      { type: 'reasoning_signature', index: 0, signature: { protocol: 'anthropic-messages', value: 'sig' } },
      { type: 'part_end', index: 0 },
      { type: 'part_start', index: 1, part: { type: 'reasoning' } },
      { type: 'reasoning_delta', index: 1, text: 'visible' },
      { type: 'reasoning_signature', index: 1, signature: { protocol: 'anthropic-messages', value: 'sig' } },
      { type: 'part_end', index: 1 },
      { type: 'part_start', index: 2, part: { type: 'text' } },
      { type: 'text_delta', index: 2, text: 'Trunc' },
      { type: 'usage', usage: { inputTokens: 3, cachedInputTokens: 2 } },
      { type: 'message_end', stopReason: 'max_tokens', usage: { inputTokens: 3, outputTokens: 4 } },
    ]);
    const fs = frames(sse);
    expect(fs.map((f) => f.event)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.reasoning_summary_part.added',
      'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done',
      'response.reasoning_summary_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.incomplete',
    ]);
    expect(fs[7]!.data.item).toEqual({ id: 'rs_gw0123456789_0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'visible' }] });
    expect(fs[8]!.data.output_index).toBe(1);
    const response = fs[14]!.data.response as Record<string, unknown>;
    expect(response).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(response.usage).toEqual({
      input_tokens: 3,
      input_tokens_details: { cached_tokens: 2 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 7,
    });
  });

  it('emits the error event with the next sequence number, for canonical errors and encodeError alike', () => {
    const enc = responsesInbound.createStreamEncoder(ctx);
    enc.encode({ type: 'message_start', id: 'x', model: 'm' });
    const failure = new UpstreamFailure({ class: 'server', message: 'boom', status: 500, providerKey: 'openai.key1.gpt-4.1' });
    expect(frames(enc.encode({ type: 'error', failure }))).toEqual([
      {
        event: 'error',
        data: { type: 'error', code: 'server', message: 'upstream openai.key1.gpt-4.1 returned 500: boom', param: null, sequence_number: 2 },
      },
    ]);
    expect(frames(enc.encodeError(new GatewayError(400, 'invalid_request_error', 'input: bad', 'input')))[0]!.data).toEqual({
      type: 'error',
      code: 'invalid_request_error',
      message: 'input: bad',
      param: 'input',
      sequence_number: 3,
    });
  });

  it('starts the response even when the first event is a part or the end', () => {
    const fs = frames(encodeAll([{ type: 'message_end', stopReason: 'end_turn', usage }]));
    expect(fs.map((f) => f.event)).toEqual(['response.created', 'response.in_progress', 'response.completed']);
    expect(assemble(decodeChunks(responsesUpstream.createStreamDecoder(), [new TextEncoder().encode(encodeAll([{ type: 'message_end', stopReason: 'end_turn', usage }]))]))).toEqual({
      id: ctx.responseId,
      model: ctx.model,
      content: [],
      stopReason: 'end_turn',
      usage: { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0, reasoningTokens: 0 },
    });
  });
});
