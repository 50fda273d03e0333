/**
 * Failure classes: an upstream failure is classified once, where it is observed (status code and
 * structured error fields, never guessed from message substrings), and the router, the health state
 * machine and the client-facing error mapping all switch on the class.
 */
export const FAILURE_CLASSES = [
  'rate_limit', // 429 without a quota reset: cooldown ladder, Retry-After
  'quota', // quota exhausted until a known reset time
  'auth', // 401/402/403: credential problem; OAuth refresh first, then trip
  'server', // 5xx, 524
  'network', // connection refused/reset, DNS, TLS
  'timeout', // time-to-first-byte or idle-stream timeout
  'context_length', // the prompt does not fit this target's window
  'stream_broken', // the stream ended or errored before finishing (or before any content)
  'malformed', // unparseable upstream response or SSE
  'client_error', // any other 4xx: the request itself is wrong; not retried
  'unavailable', // no target could be tried (everything cooling, filtered, or unknown model)
] as const;

export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** Classes that move the request on to the next target. */
export const RETRYABLE_CLASSES: ReadonlySet<FailureClass> = new Set<FailureClass>([
  'rate_limit',
  'quota',
  'auth',
  'server',
  'network',
  'timeout',
  'context_length',
  'stream_broken',
  'malformed',
]);

export interface UpstreamFailureInit {
  class: FailureClass;
  message: string;
  /** HTTP status from the upstream, when there was one. */
  status?: number;
  /** The providerKey of the attempt that failed. */
  providerKey?: string;
  /** Upstream error code/type, when the body carried one. */
  upstreamCode?: string;
  /** Server-requested wait (Retry-After header, or a structured retry delay). */
  retryAfterMs?: number;
  /** Absolute time a quota resets, when the upstream said so. */
  quotaResetAt?: number;
  /** The quota applies to a model series of this account (e.g. "claude"), not only to this model. */
  quotaSeries?: string;
}

export class UpstreamFailure extends Error {
  readonly class: FailureClass;
  readonly status?: number;
  providerKey?: string;
  readonly upstreamCode?: string;
  readonly retryAfterMs?: number;
  readonly quotaResetAt?: number;
  readonly quotaSeries?: string;

  constructor(init: UpstreamFailureInit) {
    super(init.message);
    this.name = 'UpstreamFailure';
    this.class = init.class;
    if (init.status !== undefined) this.status = init.status;
    if (init.providerKey !== undefined) this.providerKey = init.providerKey;
    if (init.upstreamCode !== undefined) this.upstreamCode = init.upstreamCode;
    if (init.retryAfterMs !== undefined) this.retryAfterMs = init.retryAfterMs;
    if (init.quotaResetAt !== undefined) this.quotaResetAt = init.quotaResetAt;
    if (init.quotaSeries !== undefined) this.quotaSeries = init.quotaSeries;
  }

  get retryable(): boolean {
    return RETRYABLE_CLASSES.has(this.class);
  }

  toJSON(): UpstreamFailureInit {
    const out: UpstreamFailureInit = { class: this.class, message: this.message };
    if (this.status !== undefined) out.status = this.status;
    if (this.providerKey !== undefined) out.providerKey = this.providerKey;
    if (this.upstreamCode !== undefined) out.upstreamCode = this.upstreamCode;
    if (this.retryAfterMs !== undefined) out.retryAfterMs = this.retryAfterMs;
    if (this.quotaResetAt !== undefined) out.quotaResetAt = this.quotaResetAt;
    if (this.quotaSeries !== undefined) out.quotaSeries = this.quotaSeries;
    return out;
  }
}

/** Default class of an upstream HTTP status, before protocol-specific refinement of the body. */
export function classOfStatus(status: number): FailureClass {
  if (status === 429) return 'rate_limit';
  if (status === 401 || status === 402 || status === 403) return 'auth';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'server';
  if (status === 413) return 'context_length';
  return 'client_error';
}

/**
 * The failure a client sees. The gateway's own request problems (bad JSON, unknown model) are
 * `GatewayError`s; upstream problems are `UpstreamFailure`s.
 */
export class GatewayError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Where in the request the problem is (a JSON path like `messages[2].content`), when known. */
    readonly param?: string,
  ) {
    super(message);
    this.name = 'GatewayError';
  }
}
