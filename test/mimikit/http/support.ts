/**
 * HTTP test support: a started Runtime (fake upstream → real RouteCodex, see ../harness.ts) behind the real
 * HTTP server on a free port, and a small SSE client over node:http that keeps every received event.
 */
import http from 'node:http';
import { SseParser } from '../../../src/shared/sse.js';
import { startHttpServer, type HttpServer, type HttpServerOptions } from '../../../src/mimikit/http/index.js';
import type { Runtime } from '../../../src/mimikit/orchestrator/index.js';
import { startHarness, type Harness, type HarnessOptions } from '../harness.js';

export interface Served {
  h: Harness;
  runtime: Runtime;
  server: HttpServer;
  url: string;
  /** fetch against the server; `json: body` sends it as application/json. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export interface ServeOptions extends HarnessOptions {
  http?: Partial<HttpServerOptions>;
  /** Runs on the work dir before the runtime opens it. */
  prepare?: (workDir: string) => Promise<void>;
}

export async function serve(options: ServeOptions = {}): Promise<Served> {
  const h = await startHarness(options);
  await options.prepare?.(h.workDir);
  const runtime = await h.open();
  await runtime.start();
  const server = await startHttpServer(runtime, { host: '127.0.0.1', port: 0, ...options.http });
  const api = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const { json, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (json !== undefined) headers.set('content-type', 'application/json');
    return fetch(`${server.url}${path}`, { ...rest, headers, ...(json !== undefined ? { body: JSON.stringify(json) } : {}) });
  };
  return {
    h, runtime, server, url: server.url, api,
    async close() {
      await server.close();
      await h.close();
    },
  };
}

export interface ReceivedEvent {
  event: string;
  id?: string;
  data: unknown;
}

export interface SseClient {
  status: number;
  headers: http.IncomingHttpHeaders;
  events: ReceivedEvent[];
  /** Everything received, as text (retry lines and heartbeat comments included). */
  raw(): string;
  /** The id of the last event that carried one. */
  lastId(): string | undefined;
  /** The first event (already received or not) matching `predicate`. */
  waitFor(predicate: (e: ReceivedEvent) => boolean, what: string, timeoutMs?: number): Promise<ReceivedEvent>;
  /** Resolves when the server ended the stream or the socket closed. */
  ended: Promise<void>;
  close(): void;
}

export function connectSse(url: string, options: { lastEventId?: string; headers?: Record<string, string> } = {}): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...options.headers };
    if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
    const req = http.get(url, { headers, agent: false }, (res) => {
      const parser = new SseParser();
      const events: ReceivedEvent[] = [];
      let raw = '';
      let waiters: Array<() => void> = [];
      const wake = () => {
        const list = waiters;
        waiters = [];
        list.forEach((w) => w());
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        for (const e of parser.push(chunk)) events.push({ event: e.event ?? 'message', ...(e.id !== undefined ? { id: e.id } : {}), data: JSON.parse(e.data) as unknown });
        wake();
      });
      let isEnded = false;
      const ended = new Promise<void>((done) => {
        res.on('close', () => {
          isEnded = true;
          wake();
          done();
        });
        res.on('error', () => undefined); // 'close' follows
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        raw: () => raw,
        lastId: () => [...events].reverse().find((e) => e.id !== undefined)?.id,
        ended,
        close: () => req.destroy(),
        waitFor(predicate, what, timeoutMs = 10_000) {
          return new Promise((found, fail) => {
            const timer = setTimeout(() => fail(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; got ${events.map((e) => e.event).join(',')}`)), timeoutMs);
            const check = () => {
              const hit = events.find(predicate);
              if (hit) {
                clearTimeout(timer);
                found(hit);
              } else if (isEnded) {
                clearTimeout(timer);
                fail(new Error(`the stream ended before ${what}`));
              } else waiters.push(check);
            };
            check();
          });
        },
      });
    });
    req.on('error', reject);
  });
}

/** Message ids of `message` events, in arrival order. */
export function messageIds(client: SseClient): string[] {
  return client.events.filter((e) => e.event === 'message').map((e) => (e.data as { message: { id: string } }).message.id);
}

/** A request with the exact path and headers given (fetch would normalize `..` and set Host itself). */
export function rawRequest(url: string, path: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path, method: options.method ?? 'GET', headers: options.headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Today's history file name (UTC), for seeding a work dir. */
export function todayHistoryFile(): string {
  return `${new Date().toISOString().slice(0, 10)}.jsonl`;
}
