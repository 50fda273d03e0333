/**
 * Routing instructions in the latest user message, end to end: they steer the request and the
 * session, they never reach the upstream, malformed ones stay as text, and stopMessage continues a
 * reply that finished without a tool call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type GatewayHarness } from '../helpers/gateway-harness.js';

let h: GatewayHarness;

beforeAll(async () => {
  h = await startHarness((u) => ({
    serverId: 'instr',
    httpserver: { port: 0 },
    virtualrouter: {
      providers: {
        pa: { type: 'openai', baseURL: `${u}/v1`, auth: { type: 'apikey', apiKey: 'k-a' }, models: ['m'] },
        pb: { type: 'anthropic', baseURL: u, auth: { type: 'apikey', apiKey: ['k-b1', 'k-b2'] }, models: ['m'] },
      },
      routing: {
        default: [
          { id: 'first', priority: 300, targets: ['pa.m'] },
          { id: 'second', priority: 200, targets: ['pb.key1.m'] },
        ],
      },
    },
  }));
});
afterAll(async () => h.close());
beforeEach(() => h.fake.reset());

async function chat(text: string | Array<{ role: string; content: string }>, session?: string, stream = false) {
  const messages = typeof text === 'string' ? [{ role: 'user', content: text }] : text;
  const res = await fetch(`${h.gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(session ? { 'x-session-id': session } : {}) },
    body: JSON.stringify({ model: 'default', messages, stream }),
  });
  const body = stream ? await res.text() : ((await res.json()) as { choices: Array<{ message: { content: string } }> });
  return { status: res.status, key: res.headers.get('x-routecodex-provider-key'), route: res.headers.get('x-routecodex-route'), turns: res.headers.get('x-routecodex-stop-message-turns'), body };
}
const lastUpstreamBody = () => JSON.stringify(h.fake.requests().at(-1)!.body);
const state = async (s: string) => (await fetch(`${h.gateway.url}/manager/state/routing/${s}`)).json() as Promise<{ state: Record<string, unknown> }>;

describe('routing instructions', () => {
  it('force: <**provider.alias.model**> serves this turn there, and the tag never reaches the upstream', async () => {
    const r = await chat('please <**pb.key2.m**> answer');
    expect(r.key).toBe('pb.key2.m');
    expect(r.route).toBe('forced:pb.key2.m');
    expect(lastUpstreamBody()).not.toContain('<**');
    expect(lastUpstreamBody()).toContain('please answer');
    // Force lasts one turn.
    expect((await chat('next')).key).toBe('pa.key1.m');
  });

  it('disable and re-enable, stored per session', async () => {
    expect((await chat('<**#pa**> go', 's-disable')).key).toBe('pb.key1.m');
    expect((await chat('plain', 's-disable')).key).toBe('pb.key1.m');
    expect((await state('s-disable')).state).toMatchObject({ disabled: { providers: ['pa'] } });
    expect((await chat('plain', 'another-session')).key).toBe('pa.key1.m');
    expect((await chat('<**@pa**> back', 's-disable')).key).toBe('pa.key1.m');
  });

  it('sticky, then clear', async () => {
    expect((await chat('<**!pb.m**>', 's-sticky')).route).toBe('sticky:pb.m');
    expect((await chat('again', 's-sticky')).key).toMatch(/^pb\./);
    expect((await chat('<**clear**> now', 's-sticky')).key).toBe('pa.key1.m');
    const after = (await state('s-sticky')).state;
    expect(after.stickyTarget).toBeUndefined();
    // What remains is the session's affinity pin to the target that served it.
    expect(after.pins).toEqual({ default: 'pa.key1.m' });
  });

  it('tags in earlier user messages are stripped but not applied again; malformed tags stay as text', async () => {
    const r = await chat([
      { role: 'user', content: 'old <**#pa**> message' },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'new <**nope.x**> question' },
    ]);
    expect(r.key).toBe('pa.key1.m');
    const sent = lastUpstreamBody();
    expect(sent).toContain('old message');
    expect(sent).toContain('new <**nope.x**> question');
  });

  it('unknown session state is a 404', async () => {
    expect((await fetch(`${h.gateway.url}/manager/state/routing/never-seen`)).status).toBe(404);
  });
});

describe('stopMessage', () => {
  it('sends the text as the next user turn up to N times, routed again, and returns every turn', async () => {
    h.fake.setScript({ rules: [{ match: { contains: 'continue please' }, reply: { text: 'more.' } }, { reply: { text: 'first.' } }] });
    const r = await chat('<**stopMessage:"continue please",2**> write', 's-stop');
    expect(r.turns).toBe('3');
    const body = r.body as { choices: Array<{ message: { content: string } }> };
    expect(body.choices[0]!.message.content).toBe('first.more.more.');
    const seen = h.fake.requests();
    expect(seen).toHaveLength(3);
    expect(JSON.stringify(seen[2]!.body)).toMatch(/first\..*continue please.*more\..*continue please/);
    expect((await state('s-stop')).state).toMatchObject({ stopMessage: { text: 'continue please', maxRepeats: 2, used: 2 } });
    // Repeats used up: a single turn.
    h.fake.reset();
    const again = await chat('once more', 's-stop');
    expect(again.turns).toBeNull();
    expect(h.fake.requests()).toHaveLength(1);
  });

  it('does not continue after a tool call, and serves streaming clients the combined turns', async () => {
    h.fake.setScript({ rules: [{ match: { contains: 'tool' }, reply: { toolCalls: [{ name: 'f', arguments: {} }] } }, { match: { contains: 'go on' }, reply: { text: ' second' } }, { reply: { text: 'one' } }] });
    const tool = await chat('<**stopMessage:"go on",3**> use a tool', 's-stop2');
    expect(tool.turns).toBe('1');
    expect(h.fake.requests()).toHaveLength(1);
    h.fake.reset();
    h.fake.setScript({ rules: [{ match: { contains: 'go on' }, reply: { text: ' second' } }, { reply: { text: 'one' } }] });
    const streamed = await chat('text please', 's-stop2', true);
    expect(streamed.turns).toBe('4');
    const text = String(streamed.body)
      .split('\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => (JSON.parse(l.slice(6)) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('one second second second');
    expect(String(streamed.body)).toContain('data: [DONE]');
  });
});
