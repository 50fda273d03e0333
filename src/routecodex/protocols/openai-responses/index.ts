/** The OpenAI Responses protocol: inbound (clients speaking /v1/responses) and upstream codecs. */
import type { InboundCodec, UpstreamCodec } from '../types.js';
import { decodeResponsesError, encodeResponsesError } from './errors.js';
import { encodeResponsesRequest } from './request-encode.js';
import { decodeResponsesRequest } from './request-decode.js';
import { decodeResponsesResponse } from './response-decode.js';
import { encodeResponsesResponse } from './response-encode.js';
import { createResponsesStreamDecoder } from './stream-decode.js';
import { createResponsesStreamEncoder } from './stream-encode.js';

export { readResponsesContinuation } from './request-decode.js';

export const responsesInbound: InboundCodec = {
  protocol: 'openai-responses',
  decodeRequest: decodeResponsesRequest,
  encodeResponse: encodeResponsesResponse,
  createStreamEncoder: createResponsesStreamEncoder,
  encodeError: encodeResponsesError,
};

export const responsesUpstream: UpstreamCodec = {
  protocol: 'openai-responses',
  encodeRequest: encodeResponsesRequest,
  requestPath: () => '/responses',
  authHeaders: (secret) => ({ Authorization: `Bearer ${secret}` }),
  decodeResponse: decodeResponsesResponse,
  createStreamDecoder: createResponsesStreamDecoder,
  decodeError: (status, body, headers) => decodeResponsesError(status, body, headers),
};
