/**
 * The WebUI: `/` (index.html), `/ui/<file>` (the flat `webui/` folder), and the two browser libraries from
 * node_modules at `/vendor/marked.js` and `/vendor/purify.js`. File names are matched against a fixed
 * pattern and looked up in one folder, so no request can name a path outside it.
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { contentTypeOf } from './content-types.js';
import { sendError } from './errors.js';

export const WEBUI_DIR = fileURLToPath(new URL('../webui/', import.meta.url));
const UI_FILE = /^[a-z0-9][a-z0-9-]*\.(?:js|css|svg|html)$/;

const require = createRequire(import.meta.url);
const VENDOR: Record<string, () => string> = {
  'marked.js': () => require.resolve('marked'), // the package's ESM build
  'purify.js': () => path.join(path.dirname(require.resolve('dompurify')), 'purify.es.mjs'),
};

/** The app page's policy: scripts only from this server (no inline script can run), no framing. */
export const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

async function sendFile(reply: FastifyReply, file: string, extraHeaders: Record<string, string> = {}): Promise<FastifyReply> {
  let body: Buffer;
  try {
    body = await fs.readFile(file);
  } catch {
    return sendError(reply, 404, 'not found');
  }
  return reply.headers({ 'content-type': contentTypeOf(file), 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', ...extraHeaders }).send(body);
}

export function registerStaticRoutes(app: FastifyInstance): void {
  const page = { 'content-security-policy': APP_CSP, 'x-frame-options': 'DENY', 'referrer-policy': 'no-referrer' };
  app.get('/', (_request, reply) => sendFile(reply, path.join(WEBUI_DIR, 'index.html'), page));

  app.get('/ui/:file', (request, reply) => {
    const file = (request.params as { file?: string }).file ?? '';
    if (!UI_FILE.test(file)) return sendError(reply, 404, 'not found');
    return sendFile(reply, path.join(WEBUI_DIR, file));
  });

  app.get('/vendor/:file', (request, reply) => {
    const resolve = VENDOR[(request.params as { file?: string }).file ?? ''];
    if (!resolve) return sendError(reply, 404, 'not found');
    return sendFile(reply, resolve());
  });

  app.get('/favicon.ico', (_request, reply) => sendFile(reply, path.join(WEBUI_DIR, 'favicon.svg')));
}
