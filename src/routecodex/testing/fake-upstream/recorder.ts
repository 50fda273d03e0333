/** Recorded requests and the waiters of `waitForRequests`. */
import type { IncomingHttpHeaders } from 'node:http';
import type { RecordedRequest } from './types.js';

interface Waiter {
  n: number;
  resolve(requests: RecordedRequest[]): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/**
 * Keeps the most recent `max` requests (0 disables recording). Trimming is amortized: the list may grow
 * to 1.25 × max before the oldest are dropped in one splice; `all()` returns at most `max`.
 */
export class RequestRecorder {
  private list: RecordedRequest[] = [];
  /** Requests recorded since the last reset, including dropped ones. */
  private total = 0;
  private waiters: Waiter[] = [];

  constructor(readonly max: number) {}

  get enabled(): boolean {
    return this.max > 0;
  }

  record(request: RecordedRequest): void {
    this.list.push(request);
    this.total += 1;
    if (this.list.length > this.max + (this.max >> 2)) this.list.splice(0, this.list.length - this.max);
    if (this.waiters.length === 0) return;
    this.waiters = this.waiters.filter((w) => {
      if (this.total < w.n) return true;
      clearTimeout(w.timer);
      w.resolve(this.all());
      return false;
    });
  }

  all(): RecordedRequest[] {
    return this.list.length > this.max ? this.list.slice(-this.max) : this.list.slice();
  }

  clear(): void {
    this.list = [];
    this.total = 0;
  }

  waitFor(n: number, timeoutMs: number): Promise<RecordedRequest[]> {
    if (!this.enabled) return Promise.reject(new Error('fake upstream: request recording is disabled'));
    if (this.total >= n) return Promise.resolve(this.all());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        n,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          reject(new Error(`fake upstream: timed out after ${timeoutMs} ms waiting for ${n} request(s), got ${this.total}`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Rejects every pending waiter (the server is closing). */
  abandon(): void {
    for (const w of this.waiters) {
      clearTimeout(w.timer);
      w.reject(new Error('fake upstream: closed while waiting for requests'));
    }
    this.waiters = [];
  }
}
