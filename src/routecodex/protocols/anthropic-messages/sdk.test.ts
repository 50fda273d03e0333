/** Drives the official Anthropic SDK against a tiny server that answers with this codec's encoders. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamFailure, type CanonicalRequest, type CanonicalResponse, type StreamEvent } from '../../canonical/index.js';
import type { EncodeContext } from '../types.js';
import { anthropicInbound } from './index.js';

const MODEL = 'claude-haiku-4-5';
const events = JSON.parse(readFileSync(new URL('./fixtures/stream-thinking-tools.events.json', import.meta.url), 'utf8')) as StreamEvent[];
const SIG = (events.find((e) => e.type === 'reasoning_signature') as Extract<StreamEvent, { type: 'reasoning_signature' }>).signature.value;

const response: CanonicalResponse = {
  id: 'msg_json_1',
  model: 'gpt-4.1',
  content: [
    { type: 'text', text: 'Checking Zürich…' },
    { type: 'tool_call', id: 'call_abc', name: 'get_weather', arguments: '{"location":"Zürich, CH"}' },
  ],
  stopReason: 'tool_use',
  usage: { inputTokens: 1200, outputTokens: 35, cachedInputTokens: 1000 },
};

let server: Server;
let client: Anthropic;
const seen: CanonicalRequest[] = [];

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const decoded = anthropicInbound.decodeRequest(await readBody(req));
  seen.push(decoded);
  const ctx: EncodeContext = { model: decoded.model, responseId: 'msg_gw', createdAt: Date.now(), streamUsage: false };
  if (decoded.user === 'rate-limited') {
    const reply = anthropicInbound.encodeError(
      new UpstreamFailure({ class: 'rate_limit', status: 429, message: 'slow down', retryAfterMs: 2000, providerKey: 'anthropic.k1.claude' }),
    );
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(JSON.stringify(reply.body));
    return;
  }
  if (!decoded.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(anthropicInbound.encodeResponse(response, ctx)));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const encoder = anthropicInbound.createStreamEncoder(ctx);
  const stream: StreamEvent[] =
    decoded.user === 'fails-midway'
      ? [...events.slice(0, 6), { type: 'error', failure: new UpstreamFailure({ class: 'server', status: 529, message: 'Overloaded', providerKey: 'a.k.m' }) }]
      : events;
  // Small uneven chunks, so the SDK's own SSE decoding sees split frames and split UTF-8 characters.
  const bytes = Buffer.from(stream.map((e) => encoder.encode(e)).join(''), 'utf8');
  for (let i = 0; i < bytes.length; i += 37) res.write(bytes.subarray(i, i + 37));
  res.end();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: String(e) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const tools: Anthropic.Tool[] = [
  {
    name: 'get_weather',
    description: 'Get the weather',
    input_schema: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location'] },
  },
];

describe('official Anthropic SDK against this codec', () => {
  it('parses a JSON response with a tool call and cache usage', async () => {
    const msg = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      tools,
      messages: [{ role: 'user', content: 'Weather in Zürich?' }],
    });
    expect(msg.id).toBe('msg_json_1');
    expect(msg.model).toBe(MODEL);
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content).toEqual([
      { type: 'text', text: 'Checking Zürich…' },
      { type: 'tool_use', id: 'call_abc', name: 'get_weather', input: { location: 'Zürich, CH' } },
    ]);
    expect(msg.usage).toEqual({ input_tokens: 200, output_tokens: 35, cache_read_input_tokens: 1000, cache_creation_input_tokens: 0 });
    expect(seen.at(-1)?.tools[0]).toMatchObject({ type: 'function', name: 'get_weather' });
  });

  it('accumulates a streamed message with thinking and two tool calls (messages.stream().finalMessage())', async () => {
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 16000,
      thinking: { type: 'enabled', budget_tokens: 4000 },
      tools,
      messages: [{ role: 'user', content: 'Weather in Zürich and Beijing?' }],
    });
    let text = '';
    stream.on('text', (delta) => {
      text += delta;
    });
    const msg = await stream.finalMessage();
    expect(text).toBe("I'll check both cities — café, 中文, 😀.");
    expect(msg.id).toBe('msg_01XFDUDYJgAACzvnptvVoYEL');
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.stop_sequence).toBeNull();
    expect(msg.content).toEqual([
      { type: 'thinking', thinking: 'The user wants the weather in Zürich and 北京 😀. I should call get_weather twice.', signature: SIG },
      { type: 'text', text: "I'll check both cities — café, 中文, 😀." },
      { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', input: { location: 'Zürich, CH', unit: 'celsius', note: 'café 中文 😀' } },
      { type: 'tool_use', id: 'toolu_01ABu6rVcWxGZ8bLd9QmbhYv', name: 'get_weather', input: { location: '北京', unit: 'celsius' } },
    ]);
    expect(msg.usage).toMatchObject({ input_tokens: 472, output_tokens: 189, cache_read_input_tokens: 2048, cache_creation_input_tokens: 1024 });
    expect(seen.at(-1)?.reasoning).toEqual({ budgetTokens: 4000, includeThoughts: true });
  });

  it('surfaces an encoded error reply as the SDK error class with its status and type', async () => {
    const err = await client.messages
      .create({ model: MODEL, max_tokens: 10, metadata: { user_id: 'rate-limited' }, messages: [{ role: 'user', content: 'x' }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(Anthropic.RateLimitError);
    const e = err as InstanceType<typeof Anthropic.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.headers?.get('retry-after')).toBe('2');
    expect(e.error).toEqual({ type: 'error', error: { type: 'rate_limit_error', message: 'upstream anthropic.k1.claude returned 429: slow down' } });
  });

  it('surfaces an in-band stream error as an APIError', async () => {
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 100,
      metadata: { user_id: 'fails-midway' },
      messages: [{ role: 'user', content: 'x' }],
    });
    const err = await stream.finalMessage().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect((err as InstanceType<typeof Anthropic.APIError>).error).toEqual({
      type: 'error',
      error: { type: 'api_error', message: 'upstream a.k.m returned 529: Overloaded' },
    });
  });
});
