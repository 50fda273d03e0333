/**
 * Errors are JSON `{error}` with the right status; never a stack trace. Malformed JSON → 400, an unknown
 * route → 404, a 5xx is logged and answered with a generic message.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../shared/logger.js';

/** An error with the HTTP status and the message the client sees. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const CLIENT_MESSAGES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'request body is too large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported Content-Type; send application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid Content-Length',
};

export function sendError(reply: FastifyReply, statusCode: number, error: string): FastifyReply {
  return reply.code(statusCode).header('cache-control', 'no-store').type('application/json; charset=utf-8').send({ error });
}

/** JSON bodies: an empty body is no body (body-less POSTs may still say application/json); bad JSON is a 400. */
export function installJsonParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (e) {
      done(new HttpError(400, `invalid JSON: ${(e as Error).message}`), undefined);
    }
  });
}

export function installErrorHandlers(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler((error: FastifyError | HttpError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof HttpError) return sendError(reply, error.statusCode, error.message);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = 'code' in error ? error.code : undefined;
      return sendError(reply, status, (code && CLIENT_MESSAGES[code]) ?? error.message);
    }
    logger.error({ err: error, method: request.method, url: request.url }, 'http request failed');
    return sendError(reply, 500, 'internal error');
  });
  app.setNotFoundHandler((request, reply) => sendError(reply, 404, `not found: ${request.method} ${request.url.split('?')[0]}`));
}
