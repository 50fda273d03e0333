/**
 * The two codec interfaces. A wire protocol is one folder under `protocols/` implementing the
 * client-facing side (`InboundCodec`: the three protocols clients speak) and/or the upstream side
 * (`UpstreamCodec`: all four). Codecs are pure: no I/O, no clock, no config.
 */
import type {
  CanonicalRequest,
  CanonicalResponse,
  GatewayError,
  InboundProtocolId,
  ProtocolId,
  StreamEvent,
  UpstreamFailure,
} from '../canonical/index.js';
import type { SseEvent } from './sse.js';

/** What an encoder needs to know about the exchange it is answering. */
export interface EncodeContext {
  /** The model name to report to the client. */
  model: string;
  /** Response id to use when the protocol needs one the upstream did not give. */
  responseId: string;
  /** Unix ms of the response, for `created` fields. */
  createdAt: number;
  /** Include a usage report in the stream even where the protocol makes it optional (OpenAI chat). */
  streamUsage: boolean;
}

export interface ErrorReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Turns canonical stream events into the client's SSE frames (complete `event:`/`data:` text). */
export interface StreamEncoder {
  encode(event: StreamEvent): string;
  /** The protocol's in-band error event for a stream that fails after it was committed. */
  encodeError(failure: UpstreamFailure | GatewayError): string;
}

export interface InboundCodec {
  readonly protocol: InboundProtocolId;
  /** Validates and decodes a client request body; throws `GatewayError` (status 400, with `param`). */
  decodeRequest(body: unknown): CanonicalRequest;
  encodeResponse(response: CanonicalResponse, ctx: EncodeContext): unknown;
  createStreamEncoder(ctx: EncodeContext): StreamEncoder;
  /** The error body and status this protocol's clients expect. */
  encodeError(error: UpstreamFailure | GatewayError): ErrorReply;
}

/** Turns upstream SSE events into canonical stream events, keeping whatever state the protocol needs. */
export interface StreamDecoder {
  push(event: SseEvent): StreamEvent[];
  /**
   * The upstream closed the stream. Returns the closing events; when the protocol's terminal event
   * never came, returns an `error` event of class `stream_broken`.
   */
  end(): StreamEvent[];
  /**
   * True when the event only carries text, reasoning or argument deltas whose decoding would change no
   * decoder state that matters later (terminal, usage, stop reason, tool-call bookkeeping, errors). A
   * committed passthrough stream that does not need the decoded answer forwards such events unparsed.
   * Checked on the raw text (see event-scan.ts): when unsure, it answers false. Optional: a decoder
   * without it has every event decoded.
   */
  isPlainDelta?(event: SseEvent): boolean;
}

export interface UpstreamHttpRequest {
  /** Path appended to the provider's baseURL, including any query string. */
  path: string;
  body: Record<string, unknown>;
}

export interface UpstreamCodec {
  readonly protocol: ProtocolId;
  /** Encodes a canonical request for this protocol with the target's model name. */
  encodeRequest(request: CanonicalRequest, model: string): UpstreamHttpRequest;
  /** Path for a request body that is forwarded as it came (passthrough). */
  requestPath(model: string, stream: boolean): string;
  /** Headers carrying an API key or OAuth access token, plus any fixed protocol headers. */
  authHeaders(secret: string): Record<string, string>;
  decodeResponse(body: unknown): CanonicalResponse;
  createStreamDecoder(): StreamDecoder;
  /** Classifies a non-2xx upstream answer. `body` is parsed JSON when it parsed, else the raw text. */
  decodeError(status: number, body: unknown, headers: Record<string, string | string[] | undefined>): UpstreamFailure;
}
