/** Chat Completions errors: OpenAI's shapes (shared with Responses), plus the chat stream's in-band error frame. */
import type { GatewayError, UpstreamFailure } from '../../canonical/index.js';
import { clientFailureStatus } from '../common.js';
import { decodeOpenAiError, decodeOpenAiInBandError, encodeOpenAiError, openAiErrorBody } from '../openai-errors.js';
import { sseFrame } from '../sse.js';

export const decodeChatError = decodeOpenAiError;
export const decodeInBandError = decodeOpenAiInBandError;
export const encodeChatError = encodeOpenAiError;

/** The in-band stream error (no `[DONE]` after it): the SDK raises `data.error` as an APIError. */
export function encodeChatStreamError(error: UpstreamFailure | GatewayError): string {
  return sseFrame(openAiErrorBody(error, clientFailureStatus(error).status));
}
