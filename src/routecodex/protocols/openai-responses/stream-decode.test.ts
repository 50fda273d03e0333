import { describe, expect, it } from 'vitest';
import { UpstreamFailure, type CanonicalResponse, type StreamEvent } from '../../canonical/index.js';
import { responsesUpstream } from './index.js';
import { assemble, decodeChunks, fixtureJson, readFixture } from './test-support.js';

const encoder = new TextEncoder();
const decodeText = (text: string, chunks?: (bytes: Uint8Array) => Uint8Array[]): StreamEvent[] => {
  const bytes = encoder.encode(text);
  return decodeChunks(responsesUpstream.createStreamDecoder(), chunks ? chunks(bytes) : [bytes]);
};

/** A stream from event objects, numbered like the API does. */
function sse(events: Array<Record<string, unknown>>): string {
  return events.map((e, i) => `event: ${String(e.type)}\ndata: ${JSON.stringify({ ...e, sequence_number: i })}\n\n`).join('');
}
const created = { type: 'response.created', response: { id: 'resp_1', object: 'response', model: 'gpt-4.1', status: 'in_progress', output: [] } };
const completed = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  type: 'response.completed',
  response: { id: 'resp_1', object: 'response', model: 'gpt-4.1', status: 'completed', output: [], usage: { input_tokens: 7, output_tokens: 2, total_tokens: 9 }, ...over },
});
const fcAdded = (oi: number, args = ''): Record<string, unknown> => ({
  type: 'response.output_item.added',
  output_index: oi,
  item: { id: `fc_${oi}`, type: 'function_call', status: 'in_progress', arguments: args, call_id: `call_${oi}`, name: 'f' },
});
const fcDone = (oi: number, args: string): Record<string, unknown> => ({
  type: 'response.output_item.done',
  output_index: oi,
  item: { id: `fc_${oi}`, type: 'function_call', status: 'completed', arguments: args, call_id: `call_${oi}`, name: 'f' },
});
const msgAdded = (oi: number): Record<string, unknown> => ({
  type: 'response.output_item.added',
  output_index: oi,
  item: { id: `msg_${oi}`, type: 'message', status: 'in_progress', role: 'assistant', content: [] },
});
const msgDone = (oi: number, content: unknown[]): Record<string, unknown> => ({
  type: 'response.output_item.done',
  output_index: oi,
  item: { id: `msg_${oi}`, type: 'message', status: 'completed', role: 'assistant', content },
});
const textDelta = (oi: number, delta: string): Record<string, unknown> => ({
  type: 'response.output_text.delta',
  item_id: `msg_${oi}`,
  output_index: oi,
  content_index: 0,
  delta,
  logprobs: [],
});

function failureOf(events: StreamEvent[]): UpstreamFailure {
  const last = events[events.length - 1];
  if (last?.type !== 'error') throw new Error(`expected an error event, got ${last?.type}`);
  return last.failure;
}

describe('Responses stream decode', () => {
  const golden = readFixture('stream-tool-calls.sse');

  it('decodes the recorded-shape stream to the golden canonical events', () => {
    expect(decodeText(golden)).toEqual(fixtureJson('stream-tool-calls.events.json'));
  });

  it('yields exactly two tool calls whose fragments join to the full JSON, matching the JSON response', () => {
    const events = decodeText(golden);
    const callStarts = events.filter((e) => e.type === 'part_start' && e.part.type === 'tool_call');
    expect(callStarts).toHaveLength(2);
    const args = (index: number): string =>
      events.flatMap((e) => (e.type === 'tool_arguments_delta' && e.index === index ? [e.json] : [])).join('');
    expect(JSON.parse(args(2))).toEqual({ city: 'Paris (café)', note: '中文 😀' });
    expect(args(3)).toBe('{"city":"Zürich"}');
    expect(assemble(events)).toEqual(fixtureJson<CanonicalResponse>('response-tool-calls.canonical.json'));
  });

  it('gives identical events when the bytes are split at every offset, and fed one byte at a time', () => {
    const expected = decodeText(golden);
    const length = encoder.encode(golden).length;
    for (let k = 1; k < length; k++) {
      expect(decodeText(golden, (b) => [b.subarray(0, k), b.subarray(k)])).toEqual(expected);
    }
    expect(decodeText(golden, (b) => Array.from(b, (_, i) => b.subarray(i, i + 1)))).toEqual(expected);
  });

  it('uses .done arguments and item text only when no deltas came', () => {
    const events = decodeText(
      sse([
        created,
        fcAdded(0),
        { type: 'response.function_call_arguments.done', item_id: 'fc_0', output_index: 0, arguments: '{"a":1}' },
        fcDone(0, '{"a":1}'),
        fcAdded(1, '{"b":2}'),
        fcDone(1, '{"b":2}'),
        msgAdded(2),
        msgDone(2, [{ type: 'output_text', text: 'whole', annotations: [] }]),
        completed(),
      ]),
    );
    expect(assemble(events).content).toEqual([
      { type: 'tool_call', id: 'call_0', name: 'f', arguments: '{"a":1}' },
      { type: 'tool_call', id: 'call_1', name: 'f', arguments: '{"b":2}' },
      { type: 'text', text: 'whole' },
    ]);
    expect(events.filter((e) => e.type === 'tool_arguments_delta')).toHaveLength(2);
  });

  it('ignores provider-executed items and maps incomplete, refusal and plain text to stop reasons', () => {
    const ws = { type: 'response.output_item.added', output_index: 0, item: { id: 'ws_1', type: 'web_search_call', status: 'in_progress' } };
    const wsProgress = { type: 'response.web_search_call.searching', item_id: 'ws_1', output_index: 0 };
    const text = [msgAdded(1), textDelta(1, 'Hi'), msgDone(1, [{ type: 'output_text', text: 'Hi' }])];
    const plain = assemble(decodeText(sse([created, ws, wsProgress, ...text, completed()])));
    expect(plain.content).toEqual([{ type: 'text', text: 'Hi' }]);
    expect(plain.stopReason).toBe('end_turn');
    expect(plain.usage).toEqual({ inputTokens: 7, outputTokens: 2 });
    const incomplete = decodeText(
      sse([created, ...text, { ...completed({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }), type: 'response.incomplete' }]),
    );
    expect(assemble(incomplete).stopReason).toBe('max_tokens');
    const refusal = decodeText(
      sse([created, msgAdded(0), { type: 'response.refusal.delta', item_id: 'msg_0', output_index: 0, content_index: 0, delta: 'No.' }, completed()]),
    );
    expect(assemble(refusal)).toMatchObject({ content: [{ type: 'text', text: 'No.' }], stopReason: 'refusal' });
  });

  it('streams raw reasoning_text and replays output when only the terminal event came', () => {
    const rs = { type: 'response.output_item.added', output_index: 0, item: { id: 'rs_0', type: 'reasoning', summary: [] } };
    const raw = { type: 'response.reasoning_text.delta', item_id: 'rs_0', output_index: 0, content_index: 0, delta: 'hmm' };
    expect(assemble(decodeText(sse([created, rs, raw, completed()]))).content).toEqual([{ type: 'reasoning', text: 'hmm' }]);
    const only = decodeText(
      sse([
        completed({
          output: [
            { id: 'rs_0', type: 'reasoning', summary: [{ type: 'summary_text', text: 's' }], encrypted_content: 'enc' },
            { id: 'fc_1', type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{}' },
          ],
        }),
      ]),
    );
    expect(assemble(only)).toMatchObject({
      id: 'resp_1',
      content: [
        { type: 'reasoning', text: 's', signature: { protocol: 'openai-responses', value: 'enc' } },
        { type: 'tool_call', id: 'call_1', name: 'f', arguments: '{}' },
      ],
      stopReason: 'tool_use',
    });
  });

  it('reports unparseable data as malformed, ignores [DONE], and stops after an error', () => {
    const decoder = responsesUpstream.createStreamDecoder();
    expect(decoder.push({ data: '[DONE]', raw: '' })).toEqual([]);
    const events = decoder.push({ event: 'response.output_text.delta', data: '{"type":"response.output', raw: '' });
    expect(failureOf(events).class).toBe('malformed');
    expect(decoder.push({ data: JSON.stringify(created), raw: '' })).toEqual([]);
    expect(decoder.end()).toEqual([]);
  });

  it('reports a stream that ends without response.completed as stream_broken', () => {
    const events = decodeText(sse([created, msgAdded(0), textDelta(0, 'partial')]));
    expect(events.slice(0, 4).map((e) => e.type)).toEqual(['message_start', 'part_start', 'text_delta', 'error']);
    expect(failureOf(events).class).toBe('stream_broken');
  });

  it.each([
    ['rate_limit_exceeded', 'rate_limit'],
    ['insufficient_quota', 'quota'],
    ['context_length_exceeded', 'context_length'],
    ['server_error', 'server'],
    ['vector_store_timeout', 'timeout'],
    ['invalid_prompt', 'client_error'],
    ['image_too_large', 'client_error'],
    ['something_new', 'server'],
  ])('classifies in-band code %s as %s (error event and response.failed)', (code, cls) => {
    const viaError = failureOf(decodeText(sse([created, { type: 'error', code, message: 'boom', param: null }])));
    expect(viaError).toMatchObject({ class: cls, upstreamCode: code, message: 'boom' });
    const failed = { ...completed({ status: 'failed', error: { code, message: 'bust' } }), type: 'response.failed' };
    expect(failureOf(decodeText(sse([created, msgAdded(0), failed])))).toMatchObject({ class: cls, upstreamCode: code, message: 'bust' });
  });
});
