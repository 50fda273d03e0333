/**
 * Same protocol in and out is a passthrough: the upstream gets the client's body with only `model`
 * changed (unknown fields, key order and values kept), and the client gets the upstream's bytes as they
 * came — JSON and SSE, including the plain deltas forwarded without being parsed. Compared against the
 * same request sent straight to the fake upstream (its per-reply sequence and timestamp normalized).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, TARGET_OF, type GatewayHarness } from '../helpers/gateway-harness.js';

interface Pair {
  name: string;
  path: string;
  target: string;
  upstreamModel: string;
  headers: Record<string, string>;
  body(model: string, stream: boolean): Record<string, unknown>;
}

const PAIRS: Pair[] = [
  {
    name: 'chat → openai',
    path: '/v1/chat/completions',
    target: TARGET_OF.openai,
    upstreamModel: 'gpt-test',
    headers: { authorization: 'Bearer k-oa' },
    body: (model, stream) => ({
      model,
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Say hello' }],
      temperature: 0.3,
      x_vendor_extension: { keep: ['me', 1, null] },
      stream,
      ...(stream ? { stream_options: { include_usage: true } } : {}),
    }),
  },
  {
    name: 'responses → responses',
    path: '/v1/responses',
    target: TARGET_OF.responses,
    upstreamModel: 'resp-test',
    headers: { authorization: 'Bearer k-rs' },
    body: (model, stream) => ({ model, input: 'Say hello', instructions: 'Be brief.', store: false, x_vendor_extension: 7, stream }),
  },
  {
    name: 'anthropic → anthropic',
    path: '/v1/messages',
    target: TARGET_OF.anthropic,
    upstreamModel: 'claude-test',
    headers: { 'x-api-key': 'k-an', 'anthropic-version': '2023-06-01' },
    body: (model, stream) => ({ model, max_tokens: 64, system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello' }], x_vendor_extension: 'kept', stream }),
  },
];

const TEXT = 'Hello there, this reply comes in many small chunks. "Quoted", usage and error are just words here.';

function normalize(text: string): string {
  return text.replace(/fake[0-9a-z]+/g, 'fakeN').replace(/"(created|created_at)":\d+/g, '"$1":0');
}

async function post(url: string, headers: Record<string, string>, body: unknown): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

let h: GatewayHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());
beforeEach(() => {
  h.fake.reset();
  h.fake.setScript({ rules: [{ reply: { text: TEXT, chunkSize: 4, usage: { input: 12, output: 25, cached: 3 } } }] });
});

describe.each(PAIRS)('$name', (pair) => {
  it.each([false, true])('stream %s: body forwarded with only model changed; reply bytes forwarded as they came', async (stream) => {
    const viaGateway = await post(`${h.gateway.url}${pair.path}`, {}, pair.body(pair.target, stream));
    expect(viaGateway.status).toBe(200);
    const [forwarded] = h.fake.requests();
    expect(JSON.stringify(forwarded!.body)).toBe(JSON.stringify(pair.body(pair.upstreamModel, stream)));

    const direct = await post(`${h.fake.url}${pair.path}`, pair.headers, pair.body(pair.upstreamModel, stream));
    expect(direct.status).toBe(200);
    expect(normalize(viaGateway.text)).toBe(normalize(direct.text));
    if (stream) expect(viaGateway.text.split('\n\n').length).toBeGreaterThan(20);
  });
});
