/**
 * The fake upstream server: one `node:http` server answering the four providers' routes from a rule book,
 * recording requests, and serving the control API.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTROL_PREFIX, handleControl, sendJson, type ControlTarget } from './control-api.js';
import { flattenHeaders, RequestRecorder } from './recorder.js';
import { respond } from './respond.js';
import { apiKeyOf, lastUserText, modelOf, routeRequest, streamOf, type Route } from './request-info.js';
import { RuleBook } from './rules.js';
import type { FakeRule, FakeScript } from './script.js';
import type { FakeUpstream, FakeUpstreamOptions } from './types.js';
import { WIRES } from './wire/index.js';

const DEFAULT_WAIT_MS = 5_000;
const DEFAULT_MAX_RECORDED = 10_000;

function readBody(req: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    chunks.push(c);
    size += c.length;
  });
  req.on('end', () => done(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)));
}

class FakeUpstreamServer implements ControlTarget {
  readonly rules = new RuleBook();
  readonly recorder: RequestRecorder;
  readonly latencyMs: number;

  constructor(options: FakeUpstreamOptions) {
    this.recorder = new RequestRecorder(options.maxRecordedRequests ?? DEFAULT_MAX_RECORDED);
    this.latencyMs = options.latencyMs ?? 0;
    if (options.script) this.rules.replace(options.script.rules);
  }

  setRules(rules: FakeRule[]): void {
    this.rules.replace(rules);
  }

  addRules(rules: FakeRule[]): void {
    this.rules.prepend(rules);
  }

  reset(): void {
    this.rules.clear();
    this.recorder.clear();
  }

  requests(): ReturnType<RequestRecorder['all']> {
    return this.recorder.all();
  }

  handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const method = req.method ?? 'GET';
    if (url.startsWith(CONTROL_PREFIX)) {
      const q = url.indexOf('?');
      readBody(req, (body) => handleControl(this, method, q < 0 ? url : url.slice(0, q), body.toString('utf8'), res));
      return;
    }
    const route = routeRequest(method, url);
    if (!route) {
      sendJson(res, 404, { error: { message: `fake upstream: no route for ${method} ${url}`, type: 'not_found', code: 404 } });
      return;
    }
    readBody(req, (raw) => this.onRequest(req, res, route, raw));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse, route: Route, raw: Buffer): void {
    const text = raw.toString('utf8');
    let body: unknown;
    let valid = true;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
      valid = false;
    }
    const protocol = route.protocol;
    const model = modelOf(route, body);
    const stream = streamOf(route, body);
    const apiKey = apiKeyOf(req.headers, route);
    if (this.recorder.enabled) {
      const rec: Parameters<RequestRecorder['record']>[0] = {
        protocol,
        method: req.method ?? 'POST',
        path: req.url ?? '',
        model,
        stream,
        headers: flattenHeaders(req.headers),
        body,
        receivedAt: Date.now(),
      };
      if (apiKey !== undefined) rec.apiKey = apiKey;
      this.recorder.record(rec);
    }
    if (!valid) {
      sendJson(res, 400, WIRES[protocol].errorBody(400, 'fake upstream: the request body is not valid JSON'));
      return;
    }
    let userText: string | undefined;
    const getUserText = (): string => (userText ??= lastUserText(protocol, body));
    const rule = this.rules.size === 0 ? undefined : this.rules.take({ protocol, model, stream, apiKey, headers: req.headers, userText: getUserText });
    respond({
      res,
      route,
      protocol,
      model,
      stream,
      body,
      bodyBytes: raw.length,
      reply: rule?.reply,
      serverLatencyMs: this.latencyMs,
      userText: getUserText,
    }).catch(() => {
      if (!res.destroyed) res.destroy();
    });
  }
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const state = new FakeUpstreamServer(options);
  const server = http.createServer((req, res) => state.handle(req, res));
  const host = options.host ?? '127.0.0.1';
  const address = await listen(server, options.port ?? 0, host);
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        state.recorder.abandon();
        server.close(() => resolve());
        server.closeAllConnections();
      })),
    setScript: (script: FakeScript) => state.setRules(script.rules),
    addRules: (...rules: FakeRule[]) => state.addRules(rules),
    reset: () => state.reset(),
    requests: () => state.requests(),
    waitForRequests: (n: number, timeoutMs = DEFAULT_WAIT_MS) => state.recorder.waitFor(n, timeoutMs),
  };
}
