/** The one ETag helper (status and messages): a weak ETag of the JSON payload; `If-None-Match` hit → 304, empty body. */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function weakEtag(payload: unknown): string {
  return `W/"${createHash('sha1').update(JSON.stringify(payload)).digest('base64url')}"`;
}

/** Weak comparison (RFC 9110 §13.1.2): `W/` is ignored, `*` matches anything, a list matches any of its members. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((candidate) => candidate.trim() === '*' || opaque(candidate) === opaque(etag));
}

/** Sends `payload` as JSON with its ETag, or 304 when the client already has it. */
export function sendWithEtag(request: FastifyRequest, reply: FastifyReply, payload: unknown): FastifyReply {
  const etag = weakEtag(payload);
  reply.header('etag', etag).header('cache-control', 'no-cache');
  if (etagMatches(request.headers['if-none-match'], etag)) return reply.code(304).send();
  return reply.type('application/json; charset=utf-8').send(payload);
}
