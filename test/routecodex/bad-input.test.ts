/**
 * Bad input gets a 4xx in the client's own protocol with a message saying what and where, and the
 * server keeps serving afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fourProviderConfig, startHarness, type GatewayHarness } from '../helpers/gateway-harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startHarness((u) => fourProviderConfig(u, { httpserver: { host: '127.0.0.1', port: 0, bodyLimitBytes: 64 * 1024 } }));
});
afterAll(async () => h.close());

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.gateway.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const chatOk = JSON.stringify({ model: 'oa.gpt-test', messages: [{ role: 'user', content: 'hi' }] });

describe.each([
  ['/v1/chat/completions', 'openai'],
  ['/v1/responses', 'openai'],
  ['/v1/messages', 'anthropic'],
] as const)('%s', (path, shape) => {
  const errorMessage = (b: Record<string, unknown>) => ((b.error as { message: string }) ?? {}).message;
  const assertShape = (b: Record<string, unknown>) => {
    if (shape === 'anthropic') expect(b.type).toBe('error');
    expect(typeof errorMessage(b)).toBe('string');
  };

  it('malformed JSON → 400 naming the JSON problem', async () => {
    const r = await post(path, '{"model": "x", ');
    expect(r.status).toBe(400);
    assertShape(r.body);
    expect(errorMessage(r.body)).toMatch(/not valid JSON/);
  });

  it('a JSON array body → 400', async () => {
    const r = await post(path, '[1,2]');
    expect(r.status).toBe(400);
    expect(errorMessage(r.body)).toMatch(/JSON object/);
  });

  it('wrong field types → 400 naming the field', async () => {
    const body =
      path === '/v1/messages'
        ? { model: 'an.claude-test', max_tokens: 'lots', messages: [{ role: 'user', content: 'hi' }] }
        : path === '/v1/responses'
          ? { model: 'rs.resp-test', input: 42 }
          : { model: 'oa.gpt-test', messages: [{ role: 'user', content: 7 }] };
    const r = await post(path, JSON.stringify(body));
    expect(r.status).toBe(400);
    assertShape(r.body);
    expect(errorMessage(r.body)).toMatch(path === '/v1/messages' ? /max_tokens/ : path === '/v1/responses' ? /input/ : /messages\[0\]\.content/);
  });

  it('an unknown model of a configured provider → 404 listing its models', async () => {
    const body =
      path === '/v1/messages'
        ? { model: 'an.claude-nope', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }
        : path === '/v1/responses'
          ? { model: 'an.claude-nope', input: 'hi' }
          : { model: 'an.claude-nope', messages: [{ role: 'user', content: 'hi' }] };
    const r = await post(path, JSON.stringify(body));
    expect(r.status).toBe(404);
    assertShape(r.body);
    expect(errorMessage(r.body)).toMatch(/unknown model "an\.claude-nope".*claude-test/);
  });

  it('an oversize body → 413 in the protocol', async () => {
    const r = await post(path, JSON.stringify({ model: 'x', pad: 'y'.repeat(100 * 1024) }));
    expect(r.status).toBe(413);
    assertShape(r.body);
    expect(errorMessage(r.body)).toMatch(/larger than the limit/);
  });
});

describe('after bad input', () => {
  it('the server keeps serving', async () => {
    const r = await post('/v1/chat/completions', chatOk);
    expect(r.status).toBe(200);
    expect((r.body.choices as Array<{ message: { content: string } }>)[0]!.message.content).toMatch(/fake/);
  });

  it('an unknown x-route-hint is a 400, an unknown path a 404', async () => {
    const r = await post('/v1/chat/completions', chatOk, { 'x-route-hint': 'nowhere' });
    expect(r.status).toBe(400);
    const nf = await fetch(`${h.gateway.url}/v1/nothing`);
    expect(nf.status).toBe(404);
  });
});

describe('count_tokens', () => {
  it('estimates input tokens', async () => {
    const r = await post('/v1/messages/count_tokens', JSON.stringify({ model: 'an.claude-test', messages: [{ role: 'user', content: 'hello world '.repeat(100) }] }));
    expect(r.status).toBe(200);
    expect(r.body.input_tokens).toBeGreaterThan(250);
    expect(r.body.input_tokens).toBeLessThan(400);
  });

  it('rejects a bad body in Anthropic shape', async () => {
    const r = await post('/v1/messages/count_tokens', JSON.stringify({ model: 'x', messages: 'nope' }));
    expect(r.status).toBe(400);
    expect(r.body.type).toBe('error');
  });
});
