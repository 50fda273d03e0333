/**
 * The HTTP app (fastify). Bodies are taken as raw buffers and parsed by the handlers, so a malformed
 * body gets an error in the client's own protocol; so do fastify's own errors (oversize body…).
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { GatewayError } from '../canonical/index.js';
import { inboundCodec } from '../protocols/registry.js';
import { isProtectedPath } from './auth.js';
import type { Gateway } from './gateway.js';
import { handleCountTokens } from './count-tokens-route.js';
import { handleExplain } from './explain-route.js';
import { registerManagerRoutes } from './manager-routes.js';
import { handleInbound } from './inbound-route.js';
import { registerInfoRoutes } from './info-routes.js';
import { protocolOfPath } from './protocol-of-path.js';

function sendGatewayError(reply: import('fastify').FastifyReply, url: string, error: GatewayError): void {
  const encoded = inboundCodec(protocolOfPath(url)).encodeError(error);
  void reply.code(encoded.status).headers({ 'content-type': 'application/json', ...encoded.headers }).send(JSON.stringify(encoded.body));
}

export function buildApp(gateway: Gateway): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: gateway.config.raw.httpserver.bodyLimitBytes,
    // Long streams: never cut a response by a server-side timeout.
    requestTimeout: 0,
    keepAliveTimeout: 65_000,
    return503OnClosing: false,
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  // Without gateway keys there is nothing to check: no hook at all on the hot path.
  if (gateway.apiKeys.enabled) app.addHook('onRequest', async (request, reply) => {
    if (isProtectedPath(request.url) && !gateway.apiKeys.allows(request.headers)) {
      sendGatewayError(reply, request.url, new GatewayError(401, 'authentication_error', 'missing or invalid API key: send `Authorization: Bearer <key>` or `x-api-key: <key>`'));
      return reply;
    }
    return undefined;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    const code = status === 413 ? 'request_too_large' : status < 500 ? 'invalid_request_error' : 'internal_error';
    const message =
      status === 413 ? `request body is larger than the limit of ${gateway.config.raw.httpserver.bodyLimitBytes} bytes (httpserver.bodyLimitBytes)` : error.message;
    if (status >= 500) gateway.logger.error({ err: error, url: request.url }, 'request failed');
    sendGatewayError(reply, request.url, new GatewayError(status, code, message));
  });

  app.setNotFoundHandler((request, reply) => {
    sendGatewayError(reply, request.url, new GatewayError(404, 'not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });

  registerInfoRoutes(app, gateway);
  registerManagerRoutes(app, gateway);
  app.post<{ Querystring: { protocol?: string } }>('/debug/route/explain', (req, reply) => handleExplain(gateway, req, reply));
  app.post('/v1/chat/completions', (req, reply) => handleInbound(gateway, 'openai-chat', req, reply));
  app.post('/v1/responses', (req, reply) => handleInbound(gateway, 'openai-responses', req, reply));
  app.post('/v1/messages', (req, reply) => handleInbound(gateway, 'anthropic-messages', req, reply));
  app.post('/v1/messages/count_tokens', handleCountTokens);
  return app;
}
