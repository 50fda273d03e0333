/**
 * THE HOOK WHERE THE HTTP SERVER IS CREATED: `startHttp(runtime, {host, port, token})`. For now a minimal
 * server answering only `GET /api/status` (JSON); the HTTP/WebUI module replaces this function.
 */
import http from 'node:http';
import type { Runtime } from '../orchestrator/index.js';

export interface HttpOptions {
  host: string;
  port: number;
  /** MIMIKIT_API_TOKEN: when set, every /api/* request needs `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

export interface HttpHandle {
  url: string;
  close(): Promise<void>;
}

export async function startHttp(runtime: Runtime, options: HttpOptions): Promise<HttpHandle> {
  const server = http.createServer((req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/api/') && options.token && req.headers.authorization !== `Bearer ${options.token}`) return send(401, { error: 'unauthorized' });
    if (req.method === 'GET' && url.pathname === '/api/status') return send(200, { ok: true, ...runtime.status() });
    return send(404, { error: 'not found' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
