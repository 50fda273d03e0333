/**
 * The deadlines of one attempt, as an AbortController: a time-to-first-content deadline until the
 * attempt commits, then an idle timer reset by every chunk. The client's own abort is linked in.
 */
import { UpstreamFailure } from '../canonical/index.js';

export class AttemptTimer {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private readonly unlink: () => void;
  /** Set when our own deadline fired (not the client). */
  timeoutFailure: UpstreamFailure | undefined;

  constructor(
    private readonly providerKey: string,
    clientSignal: AbortSignal,
  ) {
    const onClientAbort = () => this.controller.abort(clientSignal.reason);
    if (clientSignal.aborted) onClientAbort();
    clientSignal.addEventListener('abort', onClientAbort, { once: true });
    this.unlink = () => clientSignal.removeEventListener('abort', onClientAbort);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Arms (or re-arms) the deadline. */
  arm(ms: number, what: string): void {
    this.clear();
    this.timer = setTimeout(() => {
      this.timeoutFailure = new UpstreamFailure({ class: 'timeout', providerKey: this.providerKey, message: `${what} within ${ms} ms` });
      this.controller.abort(this.timeoutFailure);
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
