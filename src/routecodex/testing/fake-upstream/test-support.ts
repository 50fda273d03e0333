/** Helpers for the fake upstream's own tests: posting, and reading SSE bodies independently of the gateway. */
import http from 'node:http';

export interface SseMessage {
  event?: string;
  data: string;
}

export const PATHS = {
  openai: '/v1/chat/completions',
  responses: '/v1/responses',
  anthropic: '/v1/messages',
  gemini: '/v1beta/models/gemini-test:generateContent',
  geminiStream: '/v1beta/models/gemini-test:streamGenerateContent?alt=sse',
} as const;

export function post(base: string, path: string, body: unknown, init: { headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<Response> {
  const req: RequestInit = {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
  if (init.signal) req.signal = init.signal;
  return fetch(base + path, req);
}

/** Complete events only (an event counts once its blank line arrived); CRLF and LF both accepted. */
export function parseSse(raw: string): SseMessage[] {
  const blocks = raw.replace(/\r\n/g, '\n').split('\n\n');
  blocks.pop(); // the part after the last blank line is not a complete event
  const out: SseMessage[] = [];
  for (const block of blocks) {
    if (block === '') continue;
    const msg: SseMessage = { data: '' };
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) msg.event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    msg.data = data.join('\n');
    out.push(msg);
  }
  return out;
}

export interface SseRead {
  events: SseMessage[];
  raw: string;
  /** Set when the body ended with an error (cut connection, abort). */
  error?: unknown;
}

export async function readSse(res: Response): Promise<SseRead> {
  if (!res.body) throw new Error('no body');
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let raw = '';
  let error: unknown;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      raw += decoder.decode(value, { stream: true });
    }
  } catch (e) {
    error = e;
  }
  raw += decoder.decode();
  const read: SseRead = { events: parseSse(raw), raw };
  if (error !== undefined) read.error = error;
  return read;
}

/** The JSON payloads of the data events (skipping `[DONE]`). */
export function dataOf(events: SseMessage[]): Record<string, unknown>[] {
  return events.filter((e) => e.data !== '[DONE]').map((e) => JSON.parse(e.data) as Record<string, unknown>);
}

/** Posts with node:http and returns the body as the raw chunks the client received. */
export function postRawChunks(base: string, path: string, body: unknown): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + path, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(chunks));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

/** Loose accessor for nested JSON in assertions: `at(obj, 'choices', 0, 'delta')`. */
export function at(value: unknown, ...path: Array<string | number>): unknown {
  let v = value;
  for (const key of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

export const TWO_TOOLS = [
  { id: 'call_a', name: 'get_weather', arguments: { city: 'Paris', unit: 'celsius' } },
  { id: 'call_b', name: 'search', arguments: { query: 'fake upstream', limit: 3 } },
];

export type TestProtocol = 'openai' | 'responses' | 'anthropic' | 'gemini';
export const ALL_PROTOCOLS: readonly TestProtocol[] = ['openai', 'responses', 'anthropic', 'gemini'];

/** A minimal request for a protocol: its path and body, with `text` as the user message. */
export function requestFor(protocol: TestProtocol, stream: boolean, text = 'hello', model = 'test-model'): { path: string; body: unknown } {
  switch (protocol) {
    case 'openai':
      return { path: PATHS.openai, body: { model, stream, messages: [{ role: 'user', content: text }] } };
    case 'responses':
      return { path: PATHS.responses, body: { model, stream, input: text } };
    case 'anthropic':
      return { path: PATHS.anthropic, body: { model, stream, max_tokens: 64, messages: [{ role: 'user', content: text }] } };
    case 'gemini':
      return {
        path: `/v1beta/models/${model}:${stream ? 'streamGenerateContent?alt=sse' : 'generateContent'}`,
        body: { contents: [{ role: 'user', parts: [{ text }] }] },
      };
  }
}
