import { describe, expect, it } from 'vitest';
import { UpstreamFailure } from '../../canonical/index.js';
import { geminiUpstream } from './index.js';
import { fixtureJson } from './test-helpers.js';

function decodeFailure(body: unknown): UpstreamFailure {
  try {
    geminiUpstream.decodeResponse(body);
  } catch (e) {
    if (e instanceof UpstreamFailure) return e;
    throw e;
  }
  throw new Error('decodeResponse did not throw');
}

describe('gemini response decoding', () => {
  it('decodes thoughts, text, signed and unsigned function calls, usage with cache and thoughts', () => {
    const r = geminiUpstream.decodeResponse(fixtureJson('response-tools.json'));
    const secondCall = r.content[4];
    expect(secondCall?.type === 'tool_call' && /^call_[0-9a-f]{24}$/.test(secondCall.id)).toBe(true);
    expect(r).toEqual({
      id: 'qpc2afWVFJK4vr0Pq6WiyAU',
      model: 'gemini-2.5-flash',
      content: [
        {
          type: 'reasoning',
          text: "**Planning the lookup**\n\nThe user wants the weather in Zürich. I'll call get_weather, then get_time.",
        },
        { type: 'text', text: 'Let me check that for you.' },
        {
          type: 'reasoning',
          text: '',
          signature: { protocol: 'gemini', value: 'CiQBcsjafAmR6h0cGVtL7lKFs1hMzJk4v3Vb2dWq8xNnQ5pYq1kKZgFyyNp8' },
        },
        { type: 'tool_call', id: expect.stringMatching(/^call_/), name: 'get_weather', arguments: '{"city":"Zürich","unit":"celsius"}' },
        { type: 'tool_call', id: expect.stringMatching(/^call_/), name: 'get_time', arguments: '{"city":"Zürich"}' },
      ],
      stopReason: 'tool_use',
      usage: { inputTokens: 1187, outputTokens: 146, cachedInputTokens: 1024, reasoningTokens: 104 },
    });
  });

  it('keeps a signature Gemini 3 puts on a text part, just before the text', () => {
    const r = geminiUpstream.decodeResponse(fixtureJson('response-text-signed.json'));
    expect(r).toEqual({
      id: 'Il0taoSYJ5Cez7IP8rGQ4Qs',
      model: 'gemini-3-flash-preview',
      content: [
        { type: 'reasoning', text: '', signature: { protocol: 'gemini', value: 'EjQKMgEMOdbHkqz0XvU3tNzN8F2hTzvJm3h5v9fA1b9oX0Q1dNw5c2sNhJ1vYw==' } },
        { type: 'text', text: '1+1 equals 2.' },
      ],
      stopReason: 'end_turn',
      usage: { inputTokens: 15, outputTokens: 6 },
    });
  });

  it('uses a function call id Gemini gives, and a signed thought as a signed reasoning part', () => {
    const r = geminiUpstream.decodeResponse({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'Thinking about it.', thought: true, thoughtSignature: 'sig-1' },
              { text: '', thought: true },
              { functionCall: { name: 'lookup', args: { q: 'x' }, id: 'fc-7' } },
              { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
            ],
          },
          finishReason: 'STOP',
        },
      ],
    });
    expect(r.content).toEqual([
      { type: 'reasoning', text: 'Thinking about it.', signature: { protocol: 'gemini', value: 'sig-1' } },
      { type: 'tool_call', id: 'fc-7', name: 'lookup', arguments: '{"q":"x"}' },
    ]);
    expect(r.model).toBe('');
    expect(r.id).toMatch(/^gemini-[0-9a-f]{24}$/);
    expect(r.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it('maps stop reasons', () => {
    expect(geminiUpstream.decodeResponse(fixtureJson('response-max-tokens.json'))).toMatchObject({
      stopReason: 'max_tokens',
      content: [{ type: 'text', text: 'Once upon a time, in a village by the sea, there lived' }],
      usage: { inputTokens: 9, outputTokens: 16 },
    });
    expect(geminiUpstream.decodeResponse(fixtureJson('response-safety.json'))).toMatchObject({ stopReason: 'content_filter', content: [] });
    expect(geminiUpstream.decodeResponse(fixtureJson('response-prompt-blocked.json'))).toEqual({
      id: 'f4JTaPjDBqWCz7IPiryZsAE',
      model: 'gemini-2.5-pro',
      content: [],
      stopReason: 'content_filter',
      usage: { inputTokens: 36, outputTokens: 0 },
    });
    for (const reason of ['RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII']) {
      expect(geminiUpstream.decodeResponse({ candidates: [{ finishReason: reason }] }).stopReason).toBe('content_filter');
    }
    const other = geminiUpstream.decodeResponse({ candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: 'OTHER' }] });
    expect(other.stopReason).toBe('end_turn');
    const cut = { candidates: [{ content: { parts: [{ functionCall: { name: 'f', args: {} } }] }, finishReason: 'MAX_TOKENS' }] };
    expect(geminiUpstream.decodeResponse(cut).stopReason).toBe('max_tokens');
  });

  it('turns a malformed function call into a malformed failure', () => {
    const f = decodeFailure(fixtureJson('response-malformed-call.json'));
    expect(f.class).toBe('malformed');
    expect(f.upstreamCode).toBe('MALFORMED_FUNCTION_CALL');
    expect(f.message).toContain("Malformed function call: print(default_api.get_weather(city='Zürich'");
  });

  it('throws malformed for bodies that are not a GenerateContentResponse', () => {
    expect(decodeFailure('<html>oops</html>').class).toBe('malformed');
    expect(decodeFailure({}).message).toContain('no candidates');
    const wrongType = decodeFailure({ candidates: [{ content: { parts: [{ text: 42 }] } }] });
    expect(wrongType.class).toBe('malformed');
    expect(wrongType.message).toContain('candidates[0].content.parts[0].text');
  });
});
