import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream } from './server.js';
import { at, dataOf, PATHS, post, readSse, TWO_TOOLS } from './test-support.js';
import type { FakeUpstream } from './types.js';

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream();
});
afterAll(() => up.close());
beforeEach(() => up.reset());

const request = { contents: [{ role: 'user', parts: [{ text: 'Bonjour' }] }] };

describe('Gemini', () => {
  it('answers generateContent with the model from the path and default text', async () => {
    const body = (await (await post(up.url, PATHS.gemini, request)).json()) as Record<string, unknown>;
    expect(at(body, 'candidates', 0, 'content')).toEqual({
      role: 'model',
      parts: [{ text: 'Hello from the fake gemini upstream (model gemini-test).' }],
    });
    expect(at(body, 'candidates', 0, 'finishReason')).toBe('STOP');
    expect(body.modelVersion).toBe('gemini-test');
    expect(up.requests()[0]).toMatchObject({ protocol: 'gemini', model: 'gemini-test', stream: false });
  });

  it('answers with thought, text and functionCall parts and full usageMetadata', async () => {
    up.addRules({ reply: { text: 'Voilà.', reasoning: 'Pensons.', reasoningSignature: 'sig-g', toolCalls: TWO_TOOLS, usage: { input: 40, output: 25, cached: 8, reasoning: 5 } } });
    const body = (await (await post(up.url, PATHS.gemini, request)).json()) as Record<string, unknown>;
    expect(at(body, 'candidates', 0, 'content', 'parts')).toEqual([
      { text: 'Pensons.', thought: true, thoughtSignature: 'sig-g' },
      { text: 'Voilà.' },
      { functionCall: { id: 'call_a', name: 'get_weather', args: TWO_TOOLS[0]?.arguments } },
      { functionCall: { id: 'call_b', name: 'search', args: TWO_TOOLS[1]?.arguments } },
    ]);
    expect(body.usageMetadata).toMatchObject({
      promptTokenCount: 40,
      candidatesTokenCount: 20,
      thoughtsTokenCount: 5,
      cachedContentTokenCount: 8,
      totalTokenCount: 65,
    });
  });

  it('maps a length stop to MAX_TOKENS', async () => {
    up.addRules({ reply: { text: 'x', stopReason: 'length' } });
    const body = await (await post(up.url, PATHS.gemini, request)).json();
    expect(at(body, 'candidates', 0, 'finishReason')).toBe('MAX_TOKENS');
  });

  it('streams SSE chunks (CRLF-framed), the last with finishReason and usageMetadata', async () => {
    up.addRules({ reply: { text: 'Streaming from Gemini', reasoning: 'Thoughts go here', toolCalls: TWO_TOOLS, usage: { input: 9, output: 30, reasoning: 6 } } });
    const { events, raw, error } = await readSse(await post(up.url, PATHS.geminiStream, request));
    expect(error).toBeUndefined();
    expect(raw).toContain('\r\n\r\n');
    const chunks = dataOf(events);
    expect(chunks.length).toBeGreaterThan(4);
    const parts = chunks.flatMap((c) => at(c, 'candidates', 0, 'content', 'parts') as Record<string, unknown>[]);
    expect(parts.filter((p) => p.thought === true).map((p) => p.text).join('')).toBe('Thoughts go here');
    expect(parts.filter((p) => typeof p.text === 'string' && p.thought === undefined).map((p) => p.text).join('')).toBe('Streaming from Gemini');
    expect(parts.filter((p) => p.functionCall).map((p) => at(p, 'functionCall', 'args'))).toEqual(TWO_TOOLS.map((t) => t.arguments));
    chunks.slice(0, -1).forEach((c) => {
      expect(at(c, 'candidates', 0, 'finishReason')).toBeUndefined();
      expect(c.usageMetadata).toBeUndefined();
    });
    const last = chunks.at(-1);
    expect(at(last, 'candidates', 0, 'finishReason')).toBe('STOP');
    expect(last?.usageMetadata).toMatchObject({ promptTokenCount: 9, candidatesTokenCount: 24, thoughtsTokenCount: 6, totalTokenCount: 39 });
  });

  it('streams a JSON array without alt=sse', async () => {
    const res = await post(up.url, '/v1beta/models/gemini-test:streamGenerateContent', request);
    const arr = (await res.json()) as unknown[];
    expect(arr.length).toBeGreaterThan(1);
    expect(at(arr.at(-1), 'candidates', 0, 'finishReason')).toBe('STOP');
  });

  it('answers a status fault with the Gemini error shape', async () => {
    up.addRules({ reply: { fault: { status: 429, retryAfter: '3' } } });
    const res = await post(up.url, PATHS.gemini, request);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('3');
    expect(await res.json()).toEqual({
      error: {
        code: 429,
        message: 'fake upstream fault 429',
        status: 'RESOURCE_EXHAUSTED',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '3s' }],
      },
    });
  });
});
