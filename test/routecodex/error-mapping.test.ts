/** Upstream errors reach the client in its own protocol and status (ROUTECODEX.md §4), over real HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fourProviderConfig, startHarness, type GatewayHarness } from '../helpers/gateway-harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startHarness((u) => fourProviderConfig(u, { virtualrouter: { failover: { maxAttempts: 1 } } }));
});
afterAll(async () => h.close());
beforeEach(() => h.fake.reset());

async function chat(model: string) {
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model, messages: [{ role: 'user', content: 'x' }] }) });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { error: { message: string; code: string; type: string } } };
}

describe('error mapping', () => {
  it('a context-length error from an Anthropic upstream is `context_length_exceeded` to an OpenAI client', async () => {
    h.fake.setScript({ rules: [{ reply: { fault: { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 250000 tokens > 200000 maximum' } } } } }] });
    const r = await chat('an.claude-test');
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('context_length_exceeded');
    expect(r.body.error.message).toMatch(/prompt is too long/);
  });

  it('429 stays 429 with Retry-After', async () => {
    h.fake.setScript({ rules: [{ reply: { fault: { status: 429, retryAfter: 7 } } }] });
    const r = await chat('oa.gpt-test');
    expect(r.status).toBe(429);
    expect(r.retryAfter).toBe('7');
  });

  it('a 5xx becomes 502 naming the providerKey, the upstream status and message', async () => {
    h.fake.setScript({ rules: [{ reply: { fault: { status: 500, message: 'kaboom' } } }] });
    const r = await chat('gm.gemini-test');
    expect(r.status).toBe(502);
    expect(r.body.error.message).toMatch(/gm\.key1\.gemini-test/);
    expect(r.body.error.message).toMatch(/500/);
    expect(r.body.error.message).toMatch(/kaboom/);
  });

  it('an upstream 4xx is passed through', async () => {
    h.fake.setScript({ rules: [{ reply: { fault: { status: 404, message: 'no such model upstream' } } }] });
    const r = await chat('rs.resp-test');
    expect(r.status).toBe(404);
    expect(r.body.error.message).toMatch(/no such model upstream/);
  });
});
