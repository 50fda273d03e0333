/**
 * The three inbound endpoints: parse and decode the client's request, apply protocol extras (Responses
 * continuation), plan the route, run the failover executor, and log one structured line per exchange.
 * Every error reaches the client in its own protocol.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, UpstreamFailure, type InboundProtocolId } from '../canonical/index.js';
import type { RuntimeSpec } from '../config/resolved.js';
import { inboundCodec } from '../protocols/registry.js';
import { newId } from '../../shared/ids.js';
import { executeExchange } from '../router/executor.js';
import type { ExchangeContext } from '../router/exchange-types.js';
import { resolveSessionKey } from '../router/session/session-key.js';
import { RawClientWriter } from './client-writer.js';
import { runWithStopMessage, stopMessageActive } from './stop-message.js';
import type { Gateway } from './gateway.js';
import { parseJsonBody } from './request-body.js';
import { prepareContinuation, type Continuation } from './responses-continuation.js';
import type { RoutingDecision } from '../router/router.js';

const RESPONSE_ID_PREFIX: Record<InboundProtocolId, string> = {
  'openai-chat': 'chatcmpl-',
  'openai-responses': 'resp_',
  'anthropic-messages': 'msg_',
};

/** Client headers a same-protocol upstream should still see. */
const FORWARDED_HEADERS: Record<InboundProtocolId, readonly string[]> = {
  'anthropic-messages': ['anthropic-beta'],
  'openai-responses': ['openai-beta'],
  'openai-chat': ['openai-beta'],
};

function pickHeaders(request: FastifyRequest, names: readonly string[]): Record<string, string> | undefined {
  let out: Record<string, string> | undefined;
  for (const n of names) {
    const v = request.headers[n];
    if (typeof v === 'string') (out ??= {})[n] = v;
  }
  return out;
}

export const NOT_CONFIGURED_MESSAGE =
  'RouteCodex has no provider configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY (or OPENAI_BASE_URL for a local server), or write $ROUTECODEX_HOME/config.yaml';

export async function handleInbound(gateway: Gateway, protocol: InboundProtocolId, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.hijack();
  const writer = new RawClientWriter(reply.raw);
  const inbound = inboundCodec(protocol);
  const requestId = typeof request.headers['x-request-id'] === 'string' ? request.headers['x-request-id'] : newId('req');
  try {
    if (!gateway.config.configured) throw new UpstreamFailure({ class: 'unavailable', message: NOT_CONFIGURED_MESSAGE });
    const body = parseJsonBody(request.body);
    const canonical = inbound.decodeRequest(body);
    // Chat clients may ask for SSE with the Accept header alone.
    if (protocol === 'openai-chat' && !canonical.stream && String(request.headers.accept ?? '').includes('text/event-stream')) {
      canonical.stream = true;
      body.stream = true;
    }
    const continuation: Continuation | undefined = protocol === 'openai-responses' ? prepareContinuation(body, canonical, gateway.responses) : undefined;
    const sessionKey = resolveSessionKey({
      headers: request.headers,
      ...(protocol === 'anthropic-messages' && canonical.user ? { anthropicUserId: canonical.user } : {}),
      ...(continuation?.previousResponseId ? { previousResponseId: continuation.previousResponseId } : {}),
      ...(continuation?.previousResponseSession ? { previousResponseSession: continuation.previousResponseSession } : {}),
      ...(continuation?.promptCacheKey ? { promptCacheKey: continuation.promptCacheKey } : {}),
    });
    const planned = await gateway.router.plan({ protocol, canonical, headers: request.headers, ...(sessionKey ? { sessionKey } : {}) });
    const source = planned.plan;
    const ctx: ExchangeContext = {
      requestId,
      inbound,
      canonical: planned.canonical,
      // Once routing tags were removed, the client's body can no longer go upstream as it is.
      passthroughBody: (runtime: RuntimeSpec) =>
        planned.rewritten ? undefined : continuation ? continuation.passthroughBody(runtime) : runtime.protocol === protocol ? body : undefined,
      forwardHeaders: (runtime: RuntimeSpec) => (runtime.protocol === protocol ? pickHeaders(request, FORWARDED_HEADERS[protocol]) : undefined),
      responseId: `${RESPONSE_ID_PREFIX[protocol]}${newId()}`,
      needResponse: continuation !== undefined || (sessionKey !== undefined && stopMessageActive(planned)),
      signal: writer.signal,
      failover: gateway.config.raw.virtualrouter.failover,
    };
    const report =
      sessionKey && stopMessageActive(planned)
        ? await runWithStopMessage(gateway, protocol, request.headers, sessionKey, planned, ctx, writer)
        : await executeExchange(ctx, source, writer, { providers: gateway.providers, health: gateway.health });
    continuation?.remember(report, sessionKey, Date.now());
    if (gateway.logger.isLevelEnabled('info')) {
      const { response: _omit, ...logged } = report;
      gateway.logger.info({ exchange: { ...logged, ...(sessionKey ? { sessionKey } : {}), decision: summarizeDecision(planned.decision), candidates: source.explain() } }, 'exchange');
    }
    for (const o of gateway.observers) o.exchangeFinished(report);
  } catch (e) {
    const known = e instanceof GatewayError || e instanceof UpstreamFailure;
    const error = known ? e : new GatewayError(500, 'internal_error', `internal error: ${(e as Error).message}`);
    if (!known) gateway.logger.error({ err: e, requestId }, 'unexpected error in request handler');
    const encoded = inbound.encodeError(error);
    if (!writer.closed) {
      writer.sendJson(encoded.status, { 'content-type': 'application/json', 'x-request-id': requestId, ...encoded.headers }, JSON.stringify(encoded.body));
    } else writer.end();
    gateway.logger.info({ requestId, protocol, status: encoded.status, error: error.message }, 'request rejected');
  }
}

function summarizeDecision(d: RoutingDecision): Record<string, unknown> {
  return { route: d.route, reason: d.reason, estimatedTokens: d.estimatedTokens, ...(d.instructions.length ? { instructions: d.instructions } : {}) };
}
