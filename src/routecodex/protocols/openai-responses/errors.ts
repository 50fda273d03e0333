/** Responses errors: OpenAI's shapes (shared with Chat Completions), plus the Responses stream's `error` event. */
import type { GatewayError, UpstreamFailure } from '../../canonical/index.js';
import { clientFailureStatus } from '../common.js';
import { decodeOpenAiError, decodeOpenAiInBandError, encodeOpenAiError, openAiErrorBody } from '../openai-errors.js';
import { sseFrame } from '../sse.js';

export const decodeResponsesError = decodeOpenAiError;
/** An `error` stream event, `response.failed`, or a `status:'failed'` response's `error`. */
export const decodeInBandFailure = decodeOpenAiInBandError;
export const encodeResponsesError = encodeOpenAiError;

/**
 * The in-band stream failure: the API's `error` event, `{type:'error', code, message, param, sequence_number}`.
 * (No `response.failed` follows; the openai SDK rejects `responses.stream()` on this event.)
 */
export function encodeResponsesStreamError(error: UpstreamFailure | GatewayError, sequenceNumber: number): string {
  const { error: body } = openAiErrorBody(error, clientFailureStatus(error).status);
  return sseFrame({ type: 'error', code: body.code, message: body.message, param: body.param, sequence_number: sequenceNumber }, 'error');
}
