/** OpenAI Chat Completions: the client-facing codec and the upstream codec. */
import type { InboundCodec, UpstreamCodec } from '../types.js';
import { decodeChatError, encodeChatError } from './errors.js';
import { decodeChatRequest } from './request-decode.js';
import { CHAT_PATH, encodeChatRequest } from './request-encode.js';
import { decodeChatResponse } from './response-decode.js';
import { encodeChatResponse } from './response-encode.js';
import { ChatStreamDecoder } from './stream-decode.js';
import { ChatStreamEncoder } from './stream-encode.js';

export const openaiChatInbound: InboundCodec = {
  protocol: 'openai-chat',
  decodeRequest: decodeChatRequest,
  encodeResponse: encodeChatResponse,
  createStreamEncoder: (ctx) => new ChatStreamEncoder(ctx),
  encodeError: encodeChatError,
};

export const openaiChatUpstream: UpstreamCodec = {
  protocol: 'openai-chat',
  encodeRequest: encodeChatRequest,
  requestPath: () => CHAT_PATH,
  authHeaders: (secret) => ({ authorization: `Bearer ${secret}` }),
  decodeResponse: decodeChatResponse,
  createStreamDecoder: () => new ChatStreamDecoder(),
  decodeError: (status, body, headers) => decodeChatError(status, body, headers),
};
