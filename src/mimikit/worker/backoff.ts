/** Retry timing: exponential backoff, capped, and a wait that an abort cuts short. */

export interface RetryPolicy {
  /** Total attempts, the first included (1 = never retry). */
  maxAttempts: number;
  /** Wait before the second attempt; doubled for each later one. */
  backoffMs: number;
  /** Longest wait between attempts (default 60 s). */
  maxBackoffMs?: number;
}

export const DEFAULT_MAX_BACKOFF_MS = 60_000;

/** The wait after failed attempt number `attempt` (1-based). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const cap = policy.maxBackoffMs ?? DEFAULT_MAX_BACKOFF_MS;
  return Math.min(cap, policy.backoffMs * 2 ** Math.max(0, attempt - 1));
}

/** Resolves true after `ms`, or false as soon as `signal` aborts. */
export function abortableDelay(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
