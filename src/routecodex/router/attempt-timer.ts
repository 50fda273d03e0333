/**
 * The deadlines of one attempt, as a cancellation: a time-to-first-content deadline until the attempt
 * commits, then an idle timer reset by every chunk. The client's own cancellation is linked in.
 */
import { UpstreamFailure } from '../canonical/index.js';
import { Cancellation, type CancelSignal } from './cancel-signal.js';

export class AttemptTimer {
  private readonly cancellation = new Cancellation();
  private timer: NodeJS.Timeout | undefined;
  private armedMs = 0;
  private armedWhat = '';
  private readonly unlink: () => void;
  /** Set when our own deadline fired (not the client). */
  timeoutFailure: UpstreamFailure | undefined;

  constructor(
    private readonly providerKey: string,
    clientSignal: CancelSignal,
  ) {
    this.unlink = clientSignal.onAbort(() => this.cancellation.abort(clientSignal.reason));
  }

  /** Passed to undici as the request's signal. */
  get signal(): Cancellation {
    return this.cancellation;
  }

  /** Arms the deadline; re-arming the same deadline just restarts it (one timer per attempt, not per chunk). */
  arm(ms: number, what: string): void {
    if (this.timer && this.armedMs === ms && this.armedWhat === what) {
      this.timer.refresh();
      return;
    }
    this.clear();
    this.armedMs = ms;
    this.armedWhat = what;
    this.timer = setTimeout(() => {
      this.timeoutFailure = new UpstreamFailure({ class: 'timeout', providerKey: this.providerKey, message: `${what} within ${ms} ms` });
      this.cancellation.abort(this.timeoutFailure);
    }, ms);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.clear();
    this.unlink();
  }
}
