/** The runtime asking its owner (the CLI) to restart or reset it: the first request wins, every listener hears it once. */
import type { Logger } from '../../shared/logger.js';
import type { ExitReason } from './views.js';

export class ExitSignal {
  private readonly listeners = new Set<(reason: ExitReason) => void>();
  private requested: ExitReason | undefined;

  constructor(private readonly logger: Logger) {}

  /** A listener added after the request hears it at once (asynchronously). */
  on(listener: (reason: ExitReason) => void): () => void {
    this.listeners.add(listener);
    const reason = this.requested;
    if (reason) queueMicrotask(() => listener(reason));
    return () => this.listeners.delete(listener);
  }

  request(reason: ExitReason): void {
    if (this.requested) return;
    this.requested = reason;
    this.logger.info({ reason }, 'runtime exit requested');
    for (const listener of [...this.listeners]) {
      try {
        listener(reason);
      } catch (e) {
        this.logger.error({ err: e }, 'exit listener failed');
      }
    }
  }
}
