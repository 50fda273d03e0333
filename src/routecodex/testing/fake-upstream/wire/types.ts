/** What each protocol's wire module provides to the responder. */
import type { ReplyPlan } from '../reply-plan.js';

/** One stream event before framing: the SSE `event:` name (if the protocol uses one) and the data text. */
export interface WirePayload {
  event?: string;
  data: string;
}

export interface WireFormat {
  /** SSE line ending: Gemini's wire uses CRLF, the others LF. */
  readonly lineEnd: '\n' | '\r\n';
  /** The non-streaming success body. */
  json(plan: ReplyPlan): unknown;
  /** The success stream, event by event, terminal events included. */
  events(plan: ReplyPlan): WirePayload[];
  /** The protocol's error body for an HTTP status (`retryAfter` as given to the fault, if any). */
  errorBody(status: number, message: string, retryAfter?: string): unknown;
  /** The protocol's in-band (mid-stream) error event; `sequence` is the number of events already sent. */
  inBandError(plan: ReplyPlan, status: number, message: string, sequence: number): WirePayload;
}

export function payload(data: unknown, event?: string): WirePayload {
  return event === undefined ? { data: JSON.stringify(data) } : { event, data: JSON.stringify(data) };
}
