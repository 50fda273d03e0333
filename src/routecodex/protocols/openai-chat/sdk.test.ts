/** Drives the official `openai` SDK against a local server that answers with this codec's encoders. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpstreamFailure, type CanonicalRequest, type CanonicalResponse, type StreamEvent } from '../../canonical/index.js';
import type { EncodeContext } from '../types.js';
import { openaiChatInbound } from './index.js';

const usage = { inputTokens: 300, outputTokens: 25, cachedInputTokens: 256, reasoningTokens: 5 };
const response: CanonicalResponse = {
  id: '',
  model: 'upstream-model',
  content: [
    { type: 'text', text: 'Checking the weather.' },
    { type: 'tool_call', id: 'call_abc', name: 'get_weather', arguments: '{"city":"Paris"}' },
  ],
  stopReason: 'tool_use',
  usage,
};
const events: StreamEvent[] = [
  { type: 'message_start', id: 'chatcmpl-stream1', model: 'upstream-model' },
  { type: 'part_start', index: 0, part: { type: 'reasoning' } },
  { type: 'reasoning_delta', index: 0, text: 'think' },
  { type: 'part_end', index: 0 },
  { type: 'part_start', index: 1, part: { type: 'text' } },
  { type: 'text_delta', index: 1, text: 'Checking ' },
  { type: 'text_delta', index: 1, text: 'the weather 😀.' },
  { type: 'part_end', index: 1 },
  { type: 'part_start', index: 2, part: { type: 'tool_call', id: 'call_abc', name: 'get_weather' } },
  { type: 'tool_arguments_delta', index: 2, json: '{"city":' },
  { type: 'tool_arguments_delta', index: 2, json: '"Paris"}' },
  { type: 'part_end', index: 2 },
  { type: 'part_start', index: 3, part: { type: 'tool_call', id: 'call_def', name: 'get_time' } },
  { type: 'tool_arguments_delta', index: 3, json: '{"tz":"Europe/Paris"}' },
  { type: 'part_end', index: 3 },
  { type: 'message_end', stopReason: 'tool_use', usage },
];
const boom = new UpstreamFailure({ class: 'server', message: 'boom', status: 500, providerKey: 'openai.key1.gpt-4.1' });

let server: Server;
let client: OpenAI;
const received: CanonicalRequest[] = [];

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readJson(req).then((body) => {
      const request = openaiChatInbound.decodeRequest(body);
      received.push(request);
      const ctx: EncodeContext = { model: request.model, responseId: 'chatcmpl-gw', createdAt: Date.now(), streamUsage: request.streamUsage === true };
      if (request.model === 'rate-limited') {
        const reply = openaiChatInbound.encodeError(
          new UpstreamFailure({ class: 'rate_limit', message: 'slow down', status: 429, retryAfterMs: 3000, providerKey: 'openai.key1.gpt-4.1' }),
        );
        res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
        res.end(JSON.stringify(reply.body));
        return;
      }
      if (!request.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(openaiChatInbound.encodeResponse(response, ctx)));
        return;
      }
      const enc = openaiChatInbound.createStreamEncoder(ctx);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const sent = request.model === 'mid-stream-error' ? events.slice(0, 6) : events;
      for (const e of sent) res.write(enc.encode(e));
      if (request.model === 'mid-stream-error') res.write(enc.encodeError(boom));
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  client = new OpenAI({ apiKey: 'test-key', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
});

const tools: OpenAI.Chat.ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } },
  },
];

describe('openai SDK against the openai-chat encoders', () => {
  it('parses a non-streamed completion with a tool call and usage', async () => {
    const c = await client.chat.completions.create({ model: 'gw-model', messages: [{ role: 'user', content: 'Weather?' }], tools });
    expect(c.id).toBe('chatcmpl-gw');
    expect(c.model).toBe('gw-model');
    expect(c.choices[0]!.finish_reason).toBe('tool_calls');
    expect(c.choices[0]!.message.content).toBe('Checking the weather.');
    expect(c.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
    ]);
    expect(c.usage).toMatchObject({ prompt_tokens: 300, completion_tokens: 25, total_tokens: 325, prompt_tokens_details: { cached_tokens: 256 } });
    expect(received.at(-1)?.tools).toHaveLength(1);
  });

  it('accumulates a streamed completion with two tool calls and usage via finalChatCompletion()', async () => {
    const stream = client.chat.completions.stream({
      model: 'gw-model',
      messages: [{ role: 'user', content: 'Weather and time?' }],
      tools,
      stream_options: { include_usage: true },
    });
    const argsDone: string[] = [];
    stream.on('tool_calls.function.arguments.done', (e) => argsDone.push(e.arguments));
    const final = await stream.finalChatCompletion();
    expect(received.at(-1)).toMatchObject({ stream: true, streamUsage: true });
    const choice = final.choices[0]!;
    expect(final.id).toBe('chatcmpl-stream1');
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Checking the weather 😀.');
    expect(choice.message.tool_calls).toEqual([
      { id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_def', type: 'function', function: { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' } },
    ]);
    expect(argsDone).toEqual(['{"city":"Paris"}', '{"tz":"Europe/Paris"}']);
    expect(final.usage).toMatchObject({ prompt_tokens: 300, completion_tokens: 25, completion_tokens_details: { reasoning_tokens: 5 } });
  });

  it('raises a RateLimitError with the gateway message and retry-after', async () => {
    const err = await client.chat.completions
      .create({ model: 'rate-limited', messages: [{ role: 'user', content: 'x' }] })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const e = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(e.status).toBe(429);
    expect(e.headers.get('retry-after')).toBe('3');
    expect(e.message).toContain('upstream openai.key1.gpt-4.1 returned 429: slow down');
  });

  it('raises the in-band stream error as an APIError', async () => {
    const stream = client.chat.completions.stream({ model: 'mid-stream-error', messages: [{ role: 'user', content: 'x' }] });
    const err = await stream.finalChatCompletion().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect((err as Error).message).toContain('upstream openai.key1.gpt-4.1 returned 500: boom');
  });
});
