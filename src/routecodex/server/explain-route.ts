/**
 * `POST /debug/route/explain[?protocol=openai-chat|openai-responses|anthropic-messages]`: decides the
 * route of the request in the body without calling any upstream or writing any state, and answers with
 * the route, why, each candidate with why it is kept or filtered, and the pick.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, INBOUND_PROTOCOLS, type InboundProtocolId } from '../canonical/index.js';
import { inboundCodec } from '../protocols/registry.js';
import { resolveSessionKey } from '../router/session/session-key.js';
import type { Gateway } from './gateway.js';
import { parseJsonBody } from './request-body.js';

export async function handleExplain(gateway: Gateway, request: FastifyRequest<{ Querystring: { protocol?: string } }>, reply: FastifyReply): Promise<unknown> {
  const protocol = (request.query.protocol ?? 'openai-chat') as InboundProtocolId;
  if (!(INBOUND_PROTOCOLS as readonly string[]).includes(protocol)) {
    return reply.code(400).send({ error: { message: `protocol must be one of ${INBOUND_PROTOCOLS.join(', ')}` } });
  }
  const inbound = inboundCodec(protocol);
  try {
    const canonical = inbound.decodeRequest(parseJsonBody(request.body));
    const sessionKey = resolveSessionKey({ headers: request.headers, ...(protocol === 'anthropic-messages' && canonical.user ? { anthropicUserId: canonical.user } : {}) });
    const planned = await gateway.router.plan({ protocol, canonical, headers: request.headers, dryRun: true, ...(sessionKey ? { sessionKey } : {}) });
    const d = planned.decision;
    return {
      route: d.route,
      reason: d.reason,
      estimatedTokens: d.estimatedTokens,
      ...(d.classification ? { classification: { matched: d.classification.matched, features: d.classification.features } } : {}),
      instructions: d.instructions,
      ...(sessionKey ? { sessionKey, session: planned.session } : {}),
      strategy: gateway.config.raw.virtualrouter.loadBalancing.strategy,
      candidates: planned.plan.explain(),
      pick: planned.plan.previewPick() ?? null,
    };
  } catch (e) {
    const error = e instanceof GatewayError ? e : new GatewayError(500, 'internal_error', (e as Error).message);
    const encoded = inbound.encodeError(error);
    return reply.code(encoded.status).send(encoded.body);
  }
}
