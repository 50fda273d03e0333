/** The types one client exchange moves through: candidates in, attempts made, a report out. */
import type { CanonicalRequest, CanonicalResponse, FailureClass, UpstreamFailure, Usage } from '../canonical/index.js';
import type { ProviderKeySpec, RuntimeSpec } from '../config/resolved.js';
import type { FailoverConfig } from '../config/schema.js';
import type { InboundCodec } from '../protocols/types.js';
import type { CancelSignal } from './cancel-signal.js';

export interface Candidate {
  providerKey: string;
  spec: ProviderKeySpec;
}

/** Hands out the next target to try; the router applies pools, strategy and health at each call. */
export interface CandidateSource {
  readonly route: string;
  /** May be a promise only when a check costs a round trip (a shared rate window). */
  next(tried: ReadonlySet<string>): Candidate | undefined | Promise<Candidate | undefined>;
  /** Why nothing (more) could be picked, for the error the client gets. */
  exhaustedReason(): UpstreamFailure | undefined;
  /** Told about each failed attempt (to skip smaller context windows, to stop preferring a failed pin). */
  attemptFailed?(providerKey: string, failure: UpstreamFailure): void;
  /** The attempt is decided and about to be delivered: the session now belongs on this key. */
  attemptCommitted?(providerKey: string): void;
  /** The exchange is over, delivered or not. */
  finished?(): void;
}

/** Where attempt outcomes go (the HealthManager). */
export interface HealthReporter {
  reportFailure(providerKey: string, failure: UpstreamFailure): void;
  reportSuccess(providerKey: string): void;
  /** The attempt says nothing about the key (client error, client gone): only frees a probe slot. */
  reportNeutral(providerKey: string): void;
}

export interface AttemptRecord {
  providerKey: string;
  startedAt: number;
  durationMs: number;
  outcome: 'ok' | FailureClass;
  status?: number;
  message?: string;
  passthrough: boolean;
}

export interface ExchangeReport {
  requestId: string;
  protocol: string;
  route: string;
  stream: boolean;
  attempts: AttemptRecord[];
  /** The providerKey that served the client, if any did. */
  providerKey?: string;
  /** HTTP status the client got. */
  status: number;
  /** True when a stream was committed and later failed (the client got an in-band error event). */
  brokenAfterCommit: boolean;
  clientAborted: boolean;
  usage?: Usage;
  /** What the client received (ids as the client saw them), when an attempt was delivered and decoded. */
  response?: CanonicalResponse;
  /** The runtime that served it and whether the body was passed through unchanged. */
  servedBy?: { runtimeKey: string; passthrough: boolean };
  /** The reply finished without a tool call (a stopMessage follow-up may apply). */
  finishedWithoutToolCall: boolean;
  durationMs: number;
  failure?: ReturnType<UpstreamFailure['toJSON']>;
}

/** The client side of the exchange: an HTTP response that can be answered once, as JSON or as a stream. */
export interface ClientWriter {
  readonly closed: boolean;
  sendJson(status: number, headers: Record<string, string>, body: string | Uint8Array): void;
  startStream(headers: Record<string, string>): void;
  /** Writes a chunk now; false means the client is slow: wait for `drained()` before writing more. */
  write(chunk: string): boolean;
  drained(): Promise<void>;
  /** Ends the answer, sending `last` with the end (one write). */
  end(last?: string): void;
}

export interface ExchangeContext {
  requestId: string;
  inbound: InboundCodec;
  canonical: CanonicalRequest;
  /**
   * The body to forward unchanged (but for `model`) when the runtime speaks the client's protocol, or
   * undefined to translate through the canonical model for this runtime.
   */
  passthroughBody(runtime: RuntimeSpec): Record<string, unknown> | undefined;
  /** Client headers to forward to a runtime of this protocol. */
  forwardHeaders(runtime: RuntimeSpec): Record<string, string> | undefined;
  /** Id the client sees for a translated response. */
  responseId: string;
  /** Aborted when the client goes away. */
  signal: CancelSignal;
  /**
   * The caller needs the decoded response (Responses conversation store, stopMessage). Without it, a
   * passed-through JSON reply is forwarded without being decoded, and so are a passed-through stream's
   * plain content deltas (the report then has no `response`).
   */
  needResponse: boolean;
  failover: FailoverConfig;
}
