/**
 * `POST /v1/messages/count_tokens`: the Anthropic token count, estimated locally (no upstream call, no
 * credentials spent) with the same estimator the router uses for long-context classification.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError, estimateRequestTokens } from '../canonical/index.js';
import { decodeCountTokensRequest, encodeCountTokensResponse } from '../protocols/anthropic-messages/index.js';
import { inboundCodec } from '../protocols/registry.js';
import { parseJsonBody } from './request-body.js';

export async function handleCountTokens(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  try {
    const canonical = decodeCountTokensRequest(parseJsonBody(request.body));
    return encodeCountTokensResponse(estimateRequestTokens(canonical));
  } catch (e) {
    const error = e instanceof GatewayError ? e : new GatewayError(500, 'internal_error', (e as Error).message);
    const encoded = inboundCodec('anthropic-messages').encodeError(error);
    return reply.code(encoded.status).headers(encoded.headers ?? {}).send(encoded.body);
  }
}
