/**
 * Reading an incoming request: which protocol route it hits, the model, whether it streams, the API key
 * it carries and its last user-authored text (wherever each protocol puts it).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { FakeProtocol } from './script.js';

export type RouteKind = 'generate' | 'count_tokens';

export interface Route {
  protocol: FakeProtocol;
  kind: RouteKind;
  /** Gemini only: the model from the path. */
  pathModel?: string;
  /** Gemini only: `:streamGenerateContent`. */
  pathStream?: boolean;
  /** Gemini only: `?alt=sse` (otherwise a stream is one JSON array). */
  sse?: boolean;
  /** Gemini only: the `?key=` query parameter. */
  queryKey?: string;
}

const GEMINI_PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;

/** Maps method + URL to a protocol route, or undefined for an unknown path. */
export function routeRequest(method: string, url: string): Route | undefined {
  if (method !== 'POST') return undefined;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  switch (path) {
    case '/v1/chat/completions':
      return { protocol: 'openai', kind: 'generate' };
    case '/v1/responses':
      return { protocol: 'responses', kind: 'generate' };
    case '/v1/messages':
      return { protocol: 'anthropic', kind: 'generate' };
    case '/v1/messages/count_tokens':
      return { protocol: 'anthropic', kind: 'count_tokens' };
    default:
      break;
  }
  const m = GEMINI_PATH.exec(path);
  if (!m) return undefined;
  const params = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
  const route: Route = {
    protocol: 'gemini',
    kind: 'generate',
    pathModel: decodeURIComponent(m[1] ?? ''),
    pathStream: m[2] === 'streamGenerateContent',
    sse: params.get('alt') === 'sse',
  };
  const key = params.get('key');
  if (key) route.queryKey = key;
  return route;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The key the request carried: `Authorization: Bearer`, `x-api-key`, `x-goog-api-key` or Gemini's `?key=`. */
export function apiKeyOf(headers: IncomingHttpHeaders, route: Route): string | undefined {
  const auth = headerValue(headers, 'authorization');
  if (auth && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ') return auth.slice(7).trim();
  return headerValue(headers, 'x-api-key') ?? headerValue(headers, 'x-goog-api-key') ?? route.queryKey;
}

export function modelOf(route: Route, body: unknown): string {
  if (route.pathModel !== undefined) return route.pathModel;
  return isRecord(body) && typeof body.model === 'string' ? body.model : '';
}

export function streamOf(route: Route, body: unknown): boolean {
  if (route.protocol === 'gemini') return route.pathStream === true;
  return route.kind === 'generate' && isRecord(body) && body.stream === true;
}

/** Text of a message content: a string, or the text parts (`text`, `input_text`, Gemini parts) of an array. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    if (!isRecord(part) || typeof part.text !== 'string' || part.thought === true) continue;
    if (part.type !== undefined && part.type !== 'text' && part.type !== 'input_text') continue;
    out = out ? `${out}\n${part.text}` : part.text;
  }
  return out;
}

/** The last non-empty user text among `items` (each `{role, [contentKey]}`); Gemini's role may be absent. */
function lastUserIn(items: unknown, contentKey: string, roleOptional: boolean): string {
  if (!Array.isArray(items)) return '';
  for (let i = items.length - 1; i >= 0; i--) {
    const item: unknown = items[i];
    if (!isRecord(item)) continue;
    if (item.role !== 'user' && !(roleOptional && item.role === undefined)) continue;
    const text = contentText(item[contentKey]);
    if (text) return text;
  }
  return '';
}

/** The request's last user-authored text ('' when there is none). Tool results do not count. */
export function lastUserText(protocol: FakeProtocol, body: unknown): string {
  if (!isRecord(body)) return '';
  switch (protocol) {
    case 'openai':
    case 'anthropic':
      return lastUserIn(body.messages, 'content', false);
    case 'responses':
      return typeof body.input === 'string' ? body.input : lastUserIn(body.input, 'content', false);
    case 'gemini':
      return lastUserIn(body.contents, 'parts', true);
  }
}
