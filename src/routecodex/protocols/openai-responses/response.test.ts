import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UpstreamFailure, type CanonicalResponse } from '../../canonical/index.js';
import type { EncodeContext } from '../types.js';
import { responsesInbound, responsesUpstream } from './index.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
const ctx: EncodeContext = { model: 'o4-mini', responseId: 'resp_gw0123456789', createdAt: 1756488151000, streamUsage: false };

function body(over: Record<string, unknown>): Record<string, unknown> {
  return { id: 'resp_1', object: 'response', created_at: 1, model: 'gpt-4.1', status: 'completed', output: [], usage: null, ...over };
}
const message = (content: unknown[]): Record<string, unknown> => ({ id: 'msg_1', type: 'message', status: 'completed', role: 'assistant', content });

function decodeFailure(b: unknown): UpstreamFailure {
  try {
    responsesUpstream.decodeResponse(b);
  } catch (e) {
    if (e instanceof UpstreamFailure) return e;
    throw e;
  }
  throw new Error('expected an UpstreamFailure');
}

describe('Responses response decode (upstream)', () => {
  it('decodes a recorded-shape response with reasoning, text, two calls and cached usage', () => {
    expect(responsesUpstream.decodeResponse(fixture('response-tool-calls.json'))).toEqual(fixture('response-tool-calls.canonical.json'));
  });

  it('maps incomplete reasons, refusals and plain text to stop reasons', () => {
    const text = message([{ type: 'output_text', text: 'Hel', annotations: [] }]);
    const d = (over: Record<string, unknown>): CanonicalResponse => responsesUpstream.decodeResponse(body(over));
    expect(d({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, output: [text] }).stopReason).toBe('max_tokens');
    expect(d({ status: 'incomplete', incomplete_details: { reason: 'content_filter' }, output: [text] }).stopReason).toBe('content_filter');
    expect(d({ output: [text] })).toEqual({
      id: 'resp_1',
      model: 'gpt-4.1',
      content: [{ type: 'text', text: 'Hel' }],
      stopReason: 'end_turn',
      usage: { inputTokens: 0, outputTokens: 0 },
    });
    const refused = d({ output: [message([{ type: 'refusal', refusal: "I can't help with that." }])] });
    expect(refused.content).toEqual([{ type: 'text', text: "I can't help with that." }]);
    expect(refused.stopReason).toBe('refusal');
  });

  it('skips provider-executed items and empty messages', () => {
    const r = responsesUpstream.decodeResponse(
      body({
        output: [
          { id: 'ws_1', type: 'web_search_call', status: 'completed', action: { type: 'search', query: 'x' } },
          message([]),
          { id: 'rs_1', type: 'reasoning', summary: [] },
          message([{ type: 'output_text', text: 'Sunny.', annotations: [{ type: 'url_citation', url: 'https://x' }] }]),
        ],
        usage: { input_tokens: 10, output_tokens: 3, total_tokens: 13 },
      }),
    );
    expect(r.content).toEqual([{ type: 'reasoning', text: '' }, { type: 'text', text: 'Sunny.' }]);
    expect(r.usage).toEqual({ inputTokens: 10, outputTokens: 3 });
  });

  it('throws malformed for a body that is not a Responses object', () => {
    for (const b of [null, 'oops', { id: 'x' }, { choices: [] }, body({ output: 'x' })]) {
      const f = decodeFailure(b);
      expect(f.class).toBe('malformed');
      expect(f.message).toMatch(/not a Responses object/);
    }
  });

  it('throws the classified failure of a failed response', () => {
    const f = decodeFailure(body({ status: 'failed', error: { code: 'rate_limit_exceeded', message: 'slow down' } }));
    expect(f.class).toBe('rate_limit');
    expect(f.upstreamCode).toBe('rate_limit_exceeded');
    expect(f.message).toBe('slow down');
  });
});

describe('Responses response encode (inbound)', () => {
  it('encodes the canonical response to the golden Responses body (no output_text field)', () => {
    const out = responsesInbound.encodeResponse(fixture('response-tool-calls.canonical.json') as CanonicalResponse, ctx);
    expect(out).toEqual(fixture('response-tool-calls.encoded.json'));
    expect(out).not.toHaveProperty('output_text');
  });

  it('round-trips through the upstream decoder', () => {
    const canonical = fixture('response-tool-calls.canonical.json') as CanonicalResponse;
    const back = responsesUpstream.decodeResponse(responsesInbound.encodeResponse(canonical, ctx));
    expect(back).toEqual({ ...canonical, id: ctx.responseId, model: ctx.model });
  });

  it('maps stop reasons to status and drops what Responses cannot carry', () => {
    const res = (over: Partial<CanonicalResponse>): Record<string, unknown> =>
      responsesInbound.encodeResponse(
        { id: 'x', model: 'm', content: [{ type: 'text', text: 'Hi' }], stopReason: 'end_turn', usage: { inputTokens: 5, outputTokens: 1 }, ...over },
        ctx,
      ) as Record<string, unknown>;
    expect(res({ stopReason: 'max_tokens' })).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
    expect(res({ stopReason: 'content_filter' })).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'content_filter' } });
    expect(res({ stopReason: 'stop_sequence' })).toMatchObject({ status: 'completed', incomplete_details: null });
    const out = res({
      content: [
        { type: 'reasoning', text: 'thinking from claude', signature: { protocol: 'anthropic-messages', value: 'sig' } },
        { type: 'reasoning', text: '', redacted: true, signature: { protocol: 'anthropic-messages', value: 'blob' } },
        { type: 'text', text: 'Hi' },
      ],
      usage: { inputTokens: 5, outputTokens: 1, cacheWriteInputTokens: 4 },
    });
    expect(out.output).toEqual([
      { id: 'rs_gw0123456789_0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'thinking from claude' }] },
      {
        id: 'msg_gw0123456789_1',
        type: 'message',
        status: 'completed',
        role: 'assistant',
        content: [{ type: 'output_text', annotations: [], logprobs: [], text: 'Hi' }],
      },
    ]);
    expect(out.usage).toEqual({
      input_tokens: 5,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 1,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 6,
    });
  });
});
