/**
 * The session key of a request (ROUTECODEX.md §5), first found: `x-session-id`, `session_id`,
 * `conversation_id` headers; an Anthropic `metadata.user_id` containing `session_<id>`; a Responses
 * `previous_response_id` (mapped to the session of the response it continues) or `prompt_cache_key`.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface SessionHints {
  headers: IncomingHttpHeaders;
  /** Anthropic `metadata.user_id` (the canonical request's `user`, for that protocol). */
  anthropicUserId?: string;
  previousResponseId?: string;
  /** The session the continued response belonged to, when the gateway knows it. */
  previousResponseSession?: string;
  promptCacheKey?: string;
}

const HEADERS = ['x-session-id', 'session_id', 'session-id', 'conversation_id', 'conversation-id'] as const;

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() !== '' ? s.trim() : undefined;
}

export function resolveSessionKey(hints: SessionHints): string | undefined {
  for (const name of HEADERS) {
    const v = header(hints.headers, name);
    if (v) return v;
  }
  const m = hints.anthropicUserId ? /session_([A-Za-z0-9-]+)/.exec(hints.anthropicUserId) : null;
  if (m) return m[1];
  if (hints.previousResponseId) return hints.previousResponseSession ?? hints.previousResponseId;
  if (hints.promptCacheKey) return hints.promptCacheKey;
  return undefined;
}
