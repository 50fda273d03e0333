/**
 * A cheap cancellation signal for the request hot path. Node's AbortController/EventTarget machinery
 * cost a measurable share of each request; this is an EventEmitter with `aborted`/`reason`, which undici
 * accepts as a request `signal` (it listens for `'abort'`).
 */
import { EventEmitter } from 'node:events';

export interface CancelSignal {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** Calls `listener` once on abort (at once if already aborted); returns an unsubscribe. */
  onAbort(listener: () => void): () => void;
}

export class Cancellation extends EventEmitter implements CancelSignal {
  aborted = false;
  reason: unknown = undefined;

  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    this.emit('abort');
  }

  onAbort(listener: () => void): () => void {
    if (this.aborted) {
      listener();
      return () => undefined;
    }
    this.once('abort', listener);
    return () => void this.removeListener('abort', listener);
  }
}
