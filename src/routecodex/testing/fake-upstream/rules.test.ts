import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream } from './server.js';
import { at, post, requestFor } from './test-support.js';
import type { FakeUpstream } from './types.js';

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream();
});
afterAll(() => up.close());
beforeEach(() => up.reset());

async function chatText(init: { text?: string; model?: string; headers?: Record<string, string> } = {}): Promise<string> {
  const { path, body } = requestFor('openai', false, init.text, init.model);
  const json = await (await post(up.url, path, body, init.headers ? { headers: init.headers } : {})).json();
  return at(json, 'choices', 0, 'message', 'content') as string;
}

describe('rule matching', () => {
  it('matches by apiKey from Authorization, x-api-key and x-goog-api-key', async () => {
    up.addRules({ match: { apiKey: 'k1' }, reply: { text: 'key one' } });
    expect(await chatText({ headers: { authorization: 'Bearer k1' } })).toBe('key one');
    expect(await chatText({ headers: { authorization: 'Bearer other' } })).toMatch(/^Hello from the fake openai/);
    const anth = requestFor('anthropic', false);
    const a = await (await post(up.url, anth.path, anth.body, { headers: { 'x-api-key': 'k1' } })).json();
    expect(at(a, 'content', 0, 'text')).toBe('key one');
    const gem = requestFor('gemini', false);
    const g = await (await post(up.url, gem.path, gem.body, { headers: { 'x-goog-api-key': 'k1' } })).json();
    expect(at(g, 'candidates', 0, 'content', 'parts', 0, 'text')).toBe('key one');
    expect(up.requests().map((r) => r.apiKey)).toEqual(['k1', 'other', 'k1', 'k1']);
  });

  it('matches contains against the last user-authored text of each protocol', async () => {
    up.addRules({ match: { contains: 'weather' }, reply: { text: 'sunny' } });
    const chat = {
      model: 'm',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'what is the weather?' }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }] },
        { role: 'tool', tool_call_id: 'c', content: 'no match here' },
      ],
    };
    expect(at(await (await post(up.url, '/v1/chat/completions', chat)).json(), 'choices', 0, 'message', 'content')).toBe('sunny');
    const anthropic = {
      model: 'm',
      max_tokens: 5,
      messages: [
        { role: 'user', content: 'old weather question' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'tell me a joke' },
      ],
    };
    expect(at(await (await post(up.url, '/v1/messages', anthropic)).json(), 'content', 0, 'text')).toMatch(/^Hello from the fake/);
    const responses = { model: 'm', input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'weather please' }] }] };
    expect(at(await (await post(up.url, '/v1/responses', responses)).json(), 'output', 0, 'content', 0, 'text')).toBe('sunny');
    const gemini = {
      contents: [
        { role: 'user', parts: [{ text: 'weather in Rome' }] },
        { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: { ok: true } } }] },
      ],
    };
    const g = await (await post(up.url, '/v1beta/models/g:generateContent', gemini)).json();
    expect(at(g, 'candidates', 0, 'content', 'parts', 0, 'text')).toBe('sunny');
  });

  it('matches model, protocol, stream and header', async () => {
    up.addRules(
      { match: { model: 'special' }, reply: { text: 'by model' } },
      { match: { header: { name: 'X-Route', value: 'blue' } }, reply: { text: 'by header' } },
      { match: { protocol: 'anthropic' }, reply: { text: 'by protocol' } },
      { match: { stream: true }, reply: { fault: { status: 500 } } },
    );
    expect(await chatText({ model: 'special' })).toBe('by model');
    expect(await chatText({ headers: { 'x-route': 'blue' } })).toBe('by header');
    const anth = requestFor('anthropic', false);
    expect(at(await (await post(up.url, anth.path, anth.body)).json(), 'content', 0, 'text')).toBe('by protocol');
    const streaming = requestFor('openai', true);
    expect((await post(up.url, streaming.path, streaming.body)).status).toBe(500);
  });

  it('uses a rule `times` times, then falls through; addRules prepends', async () => {
    up.setScript({ rules: [{ reply: { text: 'fallback' } }] });
    up.addRules({ times: 2, reply: { text: 'twice' } });
    const got = [await chatText(), await chatText(), await chatText()];
    expect(got).toEqual(['twice', 'twice', 'fallback']);
  });

  it('echoes the last user text', async () => {
    up.addRules({ reply: { echo: true } });
    expect(await chatText({ text: 'repeat after me' })).toBe('repeat after me');
  });

  it('records requests and resolves waitForRequests', async () => {
    const waiting = up.waitForRequests(2, 2000);
    const { path, body } = requestFor('gemini', true, 'hi', 'gem-1');
    await (await post(up.url, `${path}&key=qk`, body)).text();
    await chatText({ model: 'gpt-x' });
    const recorded = await waiting;
    expect(recorded[0]).toMatchObject({
      protocol: 'gemini',
      method: 'POST',
      path: '/v1beta/models/gem-1:streamGenerateContent?alt=sse&key=qk',
      model: 'gem-1',
      stream: true,
      apiKey: 'qk',
      body,
    });
    expect(recorded[0]?.headers['content-type']).toBe('application/json');
    expect(recorded[1]).toMatchObject({ protocol: 'openai', model: 'gpt-x', stream: false });
    expect(recorded[1]?.apiKey).toBeUndefined();
    expect(typeof recorded[1]?.receivedAt).toBe('number');
    await expect(up.waitForRequests(3, 50)).rejects.toThrow(/timed out/);
    up.reset();
    expect(up.requests()).toEqual([]);
  });

  it('answers 404 for an unknown path and 400 for a body that is not JSON', async () => {
    const res = await post(up.url, '/v2/nowhere', {});
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { message: expect.stringContaining('/v2/nowhere') } });
    const bad = await post(up.url, '/v1/messages', '{nope');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(up.requests()[0]?.body).toBe('{nope');
  });
});
