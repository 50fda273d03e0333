/**
 * Anthropic Messages: the inbound codec (clients calling `/v1/messages`) and the upstream codec
 * (providers of type `anthropic`).
 */
import type { InboundCodec, UpstreamCodec } from '../types.js';
import { decodeError, encodeError } from './errors.js';
import { PROTOCOL } from './mapping.js';
import { decodeCountTokensRequest, decodeRequest } from './request-decode.js';
import { MESSAGES_PATH, encodeRequest } from './request-encode.js';
import { decodeResponse } from './response-decode.js';
import { encodeResponse } from './response-encode.js';
import { AnthropicStreamDecoder } from './stream-decode.js';
import { AnthropicStreamEncoder } from './stream-encode.js';

export const ANTHROPIC_VERSION = '2023-06-01';

export const anthropicInbound: InboundCodec = {
  protocol: PROTOCOL,
  decodeRequest,
  encodeResponse,
  createStreamEncoder: (ctx) => new AnthropicStreamEncoder(ctx),
  encodeError,
};

export const anthropicUpstream: UpstreamCodec = {
  protocol: PROTOCOL,
  encodeRequest,
  requestPath: () => MESSAGES_PATH,
  authHeaders: (secret) => ({ 'x-api-key': secret, 'anthropic-version': ANTHROPIC_VERSION }),
  decodeResponse,
  createStreamDecoder: () => new AnthropicStreamDecoder(),
  decodeError,
};

export { decodeCountTokensRequest };

/** The `/v1/messages/count_tokens` answer. */
export function encodeCountTokensResponse(inputTokens: number): { input_tokens: number } {
  return { input_tokens: inputTokens };
}
