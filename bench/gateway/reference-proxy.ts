/**
 * The minimal reference proxy: the floor for a Node proxy. Reads the body, JSON.parse, rewrites `model`,
 * JSON.stringify, forwards through an undici Pool (RouteCodex's pool settings) and pipes status,
 * content-type and the body stream back (no per-event work: upstream chunks are written as they come). Prints `reference proxy listening on <url>`.
 * Usage: `node bin/run-ts.mjs bench/gateway/reference-proxy.ts --upstream URL [--port N] [--model M]`.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    upstream: { type: 'string' },
    port: { type: 'string', default: '0' },
    model: { type: 'string', default: 'gpt-bench' },
    connections: { type: 'string', default: '64' },
  },
});
if (!values.upstream) {
  process.stderr.write('usage: reference-proxy.ts --upstream URL [--port N] [--model M]\n');
  process.exit(2);
}
const model = values.model;

// Same settings as src/routecodex/providers/pools.ts.
const pool = new Pool(values.upstream, {
  connections: Number(values.connections),
  pipelining: 1,
  keepAliveTimeout: 30_000,
  keepAliveMaxTimeout: 600_000,
  headersTimeout: 0,
  bodyTimeout: 0,
  connect: { timeout: 10_000 },
});

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function fail(res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { message } });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const raw = await readBody(req);
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
  } catch {
    fail(res, 400, 'invalid JSON');
    return;
  }
  parsed.model = model;
  const upstream = await pool.request({
    method: 'POST',
    path: req.url ?? '/',
    headers: { 'content-type': 'application/json', authorization: 'Bearer k-ref' },
    body: JSON.stringify(parsed),
  });
  const type = upstream.headers['content-type'];
  res.writeHead(upstream.statusCode, typeof type === 'string' ? { 'content-type': type } : {});
  // Plain pipe(): stream/promises' pipeline() costs ~20 µs per response on Node 20 (it builds a
  // DOMException for its internal AbortController on every finish), which a floor should not pay.
  const body = upstream.body;
  body.once('error', () => res.destroy());
  res.once('close', () => {
    if (!res.writableFinished) body.destroy();
  });
  body.pipe(res);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e: unknown) => fail(res, 502, (e as Error).message));
});
server.keepAliveTimeout = 65_000;
server.listen(Number(values.port), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`reference proxy listening on http://127.0.0.1:${port}\n`);
});
const stop = (): void => {
  server.close();
  server.closeAllConnections();
  void pool.destroy().finally(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
