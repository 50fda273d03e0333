/** Google Gemini API (generativelanguage v1beta), upstream only. baseURL: https://generativelanguage.googleapis.com/v1beta */
import type { UpstreamCodec } from '../types.js';
import { decodeGeminiError } from './errors.js';
import { encodeGeminiRequest, geminiRequestPath } from './request-encode.js';
import { decodeGeminiResponse } from './response-decode.js';
import { GeminiStreamDecoder } from './stream-decode.js';

export const geminiUpstream: UpstreamCodec = {
  protocol: 'gemini',
  encodeRequest: encodeGeminiRequest,
  requestPath: geminiRequestPath,
  authHeaders: (secret) => ({ 'x-goog-api-key': secret }),
  decodeResponse: decodeGeminiResponse,
  createStreamDecoder: () => new GeminiStreamDecoder(),
  decodeError: (status, body, headers) => decodeGeminiError(status, body, headers),
};

export { toGeminiSchema } from './gemini-schema.js';
export { quotaSeriesOfModel } from './errors.js';
