/**
 * Idle wake-ups: when nothing happened for `afterMs` (no input, no task, no manager batch) and nothing is
 * going on, ONE idle input per idle window; the window starts at the last activity and ends with the
 * next one. A timer to the deadline, re-armed on activity; deciding costs no model call.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';

export interface IdleLoopOptions {
  afterMs: number;
  clock: Clock;
  /** The manager runs, inputs are pending, or tasks are pending or running. */
  isBusy: () => boolean;
  /** The window start that already fired (the owner persists it). */
  firedWindow: () => number | undefined;
  /** Must record the window as fired before it resolves. */
  fire: (windowStartMs: number) => Promise<void>;
  logger: Logger;
}

export class IdleLoop {
  private lastActivity = 0;
  private timer: NodeJS.Timeout | undefined;
  private firing: Promise<void> | undefined;
  private stopped = true;
  private everStopped = false;

  constructor(private readonly options: IdleLoopOptions) {}

  start(activityAtMs: number): void {
    if (this.everStopped) return;
    this.stopped = false;
    this.lastActivity = Math.max(this.lastActivity, activityAtMs);
    this.evaluate();
  }

  /** Something happened: a new idle window starts now. */
  noteActivity(atMs: number = this.options.clock.now()): void {
    if (atMs > this.lastActivity) this.lastActivity = atMs;
    this.evaluate();
  }

  /** The busy state may have changed: look again. */
  poke(): void {
    this.evaluate();
  }

  get windowStart(): number {
    return this.lastActivity;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.everStopped = true;
    this.clear();
    await this.firing;
  }

  private clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private evaluate(): void {
    this.clear();
    if (this.stopped || this.firing || this.options.firedWindow() === this.lastActivity) return;
    const wait = this.lastActivity + this.options.afterMs - this.options.clock.now();
    if (wait > 0) {
      this.timer = setTimeout(() => this.evaluate(), Math.min(wait, 3_600_000));
      this.timer.unref();
      return;
    }
    if (this.options.isBusy()) return; // the end of the busy state brings an activity or a poke
    const window = this.lastActivity;
    this.firing = this.options
      .fire(window)
      .catch((e: unknown) => this.options.logger.error({ err: e, window }, 'idle: fire failed'))
      .finally(() => {
        this.firing = undefined;
        if (this.options.firedWindow() !== window) return; // failed: wait for the next activity or poke
        this.evaluate();
      });
  }
}
