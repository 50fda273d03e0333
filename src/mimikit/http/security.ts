/**
 * Request guards, run before any body is read:
 * - DNS rebinding: with no token (loopback only), the `Host` header must name a loopback host;
 * - token: with `MIMIKIT_API_TOKEN` set, `/api/*` and `/artifacts/*` need `Authorization: Bearer <token>`
 *   (a GET to `/api/events` or `/artifacts/*` may pass `?token=` instead: EventSource and links cannot set headers);
 * - CSRF: a POST needs `Content-Type: application/json` or `X-Mimikit-Request: 1`, and an `Origin`, when
 *   present, equal to the server's own origin.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isLoopbackHost } from '../../shared/net.js';
import { sendError } from './errors.js';

export interface Guards {
  token?: string | undefined;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The host name of a `Host` header value (`[::1]:8787` → `::1`). */
function hostName(host: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(host) ?? /^([^:]+)(?::\d+)?$/.exec(host);
  return (m?.[1] ?? host).toLowerCase();
}

function isProtected(pathname: string): boolean {
  return pathname.startsWith('/api/') || pathname === '/api' || pathname.startsWith('/artifacts/');
}

function queryToken(request: FastifyRequest, pathname: string): string | undefined {
  if (request.method !== 'GET' && request.method !== 'HEAD') return undefined;
  if (pathname !== '/api/events' && !pathname.startsWith('/artifacts/')) return undefined;
  const token = (request.query as Record<string, unknown> | undefined)?.token;
  return typeof token === 'string' ? token : undefined;
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const m = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  return m?.[1];
}

function isJson(request: FastifyRequest): boolean {
  const type = request.headers['content-type'];
  return typeof type === 'string' && type.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

/** The reason a request is refused (status + message), or undefined to let it through. */
export function refusal(request: FastifyRequest, guards: Guards): [number, string] | undefined {
  const host = request.headers.host ?? '';
  if (!guards.token && !isLoopbackHost(hostName(host))) return [403, `host not allowed: ${JSON.stringify(host)}; this server only answers to localhost/127.0.0.1 (set MIMIKIT_API_TOKEN to serve other hosts)`];
  const pathname = request.url.split('?')[0] ?? '';
  if (guards.token && isProtected(pathname)) {
    const given = bearer(request) ?? queryToken(request, pathname);
    if (given === undefined || !sameSecret(given, guards.token)) return [401, 'unauthorized: send Authorization: Bearer <MIMIKIT_API_TOKEN>'];
  }
  if (request.method === 'POST') {
    if (!isJson(request) && request.headers['x-mimikit-request'] !== '1') return [403, 'cross-site request refused: a POST needs Content-Type: application/json or the header X-Mimikit-Request: 1'];
    const origin = request.headers.origin;
    if (origin !== undefined && !sameOrigin(origin, host)) return [403, `cross-site request refused: Origin ${JSON.stringify(origin)} is not this server`];
  }
  return undefined;
}

function sameOrigin(origin: string, host: string): boolean {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host.toLowerCase() === host.toLowerCase();
  } catch {
    return false; // includes the opaque origin "null"
  }
}

export function guardHook(guards: Guards) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const refused = refusal(request, guards);
    if (refused) return sendError(reply, refused[0], refused[1]);
    return undefined;
  };
}
