/** Drives the official openai SDK against a local server answering with this folder's encoders. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamFailure, type CanonicalResponse, type StreamEvent } from '../../canonical/index.js';
import type { EncodeContext } from '../types.js';
import { responsesInbound } from './index.js';
import { fixtureJson } from './test-support.js';

type Reply = (body: Record<string, unknown>) => { status: number; headers: Record<string, string>; body: string };

const ctx: EncodeContext = { model: 'o4-mini', responseId: 'resp_gw0123456789', createdAt: 1756488151000, streamUsage: false };
const events = fixtureJson<StreamEvent[]>('stream-tool-calls.events.json');
const canonical = fixtureJson<CanonicalResponse>('response-tool-calls.canonical.json');
let reply: Reply;
let lastRequest: Record<string, unknown> | undefined;
let server: Server;
let client: OpenAI;

const sse = (stream: StreamEvent[]): Reply => () => {
  const enc = responsesInbound.createStreamEncoder(ctx);
  return { status: 200, headers: { 'content-type': 'text/event-stream' }, body: stream.map((e) => enc.encode(e)).join('') };
};

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      lastRequest = body;
      const r = reply(body);
      res.writeHead(r.status, r.headers);
      res.end(r.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('openai SDK against the Responses encoders', () => {
  it('parses a JSON response with reasoning, text, tool calls and usage', async () => {
    reply = () => ({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(responsesInbound.encodeResponse(canonical, ctx)) });
    const r = await client.responses.create({ model: 'o4-mini', input: 'Weather?' });
    expect(lastRequest).toMatchObject({ model: 'o4-mini', input: 'Weather?' });
    expect(r.id).toBe(ctx.responseId);
    expect(r.output_text).toBe('Let me check the weather in Paris (café) and 中国 😀.');
    expect(r.output.map((o) => o.type)).toEqual(['reasoning', 'message', 'function_call', 'function_call']);
    expect(r.usage).toMatchObject({ input_tokens: 1843, output_tokens: 412, input_tokens_details: { cached_tokens: 1536 } });
  });

  it('accumulates the stream with responses.stream().finalResponse()', async () => {
    reply = sse(events);
    const stream = client.responses.stream({ model: 'o4-mini', input: 'Weather?' });
    const textSnapshots: string[] = [];
    const argSnapshots: string[] = [];
    stream.on('response.output_text.delta', (e) => textSnapshots.push(e.snapshot));
    stream.on('response.function_call_arguments.delta', (e) => argSnapshots.push(e.snapshot));
    const final = await stream.finalResponse();
    expect(lastRequest?.stream).toBe(true);
    expect(final.status).toBe('completed');
    // The stream helper does not compute `output_text` (it is not on the wire): read the message item.
    const message = final.output[1];
    const text = message?.type === 'message' && message.content[0]?.type === 'output_text' ? message.content[0].text : undefined;
    expect(text).toBe('Let me check the weather in Paris (café) and 中国 😀.');
    expect(textSnapshots.at(-1)).toBe(text);
    expect(argSnapshots.at(-1)).toBe('{"city":"Zürich"}');
    const calls = final.output.flatMap((o) => (o.type === 'function_call' ? [o] : []));
    expect(calls.map((c) => [c.call_id, c.name, JSON.parse(c.arguments) as unknown])).toEqual([
      ['call_Hx7vGk2QpL9mNc4RtY8sWz1E', 'get_weather', { city: 'Paris (café)', note: '中文 😀' }],
      ['call_Qm3nB8vC1xZ5kJ7hG2fD9sA4', 'get_weather', { city: 'Zürich' }],
    ]);
    const reasoning = final.output[0];
    expect(reasoning?.type === 'reasoning' ? reasoning.encrypted_content : undefined).toBe('gAAAAABosehZ3xq-K0v1Encrypted_Reasoning_Blob==');
    expect(final.usage).toMatchObject({ input_tokens: 1843, output_tokens: 412, output_tokens_details: { reasoning_tokens: 256 } });
  });

  it('rejects finalResponse() on an in-band error event', async () => {
    const failure = new UpstreamFailure({ class: 'server', message: 'boom', status: 500, providerKey: 'openai.key1.gpt-4.1' });
    reply = sse([...events.slice(0, 12), { type: 'error', failure }]);
    const stream = client.responses.stream({ model: 'o4-mini', input: 'Weather?' });
    await expect(stream.finalResponse()).rejects.toMatchObject({ type: 'error', message: 'upstream openai.key1.gpt-4.1 returned 500: boom' });
  });

  it('raises the SDK error class of the status, with our message', async () => {
    const failure = new UpstreamFailure({ class: 'rate_limit', message: 'slow down', status: 429, retryAfterMs: 3000, providerKey: 'p.k.m' });
    reply = () => {
      const e = responsesInbound.encodeError(failure);
      return { status: e.status, headers: { 'content-type': 'application/json', ...e.headers }, body: JSON.stringify(e.body) };
    };
    const error = await client.responses.create({ model: 'o4-mini', input: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const e = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.message).toContain('upstream p.k.m returned 429: slow down');
    expect(e.headers.get('retry-after')).toBe('3');
  });
});
