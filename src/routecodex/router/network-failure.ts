/** Classifies what was thrown while talking to an upstream (never by guessing from messages). */
import { UpstreamFailure } from '../canonical/index.js';

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
]);

function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 4 && cur && typeof cur === 'object'; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * `phase` says whether bytes of a response had arrived: a connection lost mid-body of a stream is a
 * broken stream, before that it is a network failure.
 */
export function failureFromThrown(e: unknown, providerKey: string, phase: 'connect' | 'body'): UpstreamFailure {
  if (e instanceof UpstreamFailure) return e;
  const code = errorCode(e);
  const detail = e instanceof Error ? e.message : String(e);
  const cls = phase === 'body' ? 'stream_broken' : 'network';
  return new UpstreamFailure({
    class: cls,
    providerKey,
    message: `${phase === 'body' ? 'connection lost while reading the response' : 'cannot reach upstream'}${code && NETWORK_CODES.has(code) ? ` (${code})` : ''}: ${detail}`,
    ...(code ? { upstreamCode: code } : {}),
  });
}
