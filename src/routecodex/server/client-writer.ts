/** A ClientWriter over Node's raw HTTP response (the route hijacks fastify's reply for zero-copy streaming). */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { Cancellation, type CancelSignal } from '../router/cancel-signal.js';
import type { ClientWriter } from '../router/exchange-types.js';

export class RawClientWriter implements ClientWriter {
  private readonly cancellation = new Cancellation();

  constructor(private readonly res: ServerResponse) {
    res.once('close', () => {
      if (!res.writableFinished) this.cancellation.abort(new Error('client disconnected'));
    });
  }

  /** Aborted when the client goes away before the answer is complete. */
  get signal(): CancelSignal {
    return this.cancellation;
  }

  get closed(): boolean {
    return this.cancellation.aborted || this.res.writableEnded || this.res.destroyed;
  }

  sendJson(status: number, headers: Record<string, string>, body: string | Uint8Array): void {
    if (this.closed) return;
    headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
    this.res.writeHead(status, headers);
    this.res.end(body);
  }

  /** The headers go out with the first frames (one socket write), not on their own. */
  startStream(headers: Record<string, string>): void {
    if (this.closed) return;
    this.res.writeHead(200, headers);
  }

  write(chunk: string): boolean {
    if (this.closed) return true;
    return this.res.write(chunk);
  }

  drained(): Promise<void> {
    if (this.closed || !this.res.writableNeedDrain) return Promise.resolve();
    return Promise.race([once(this.res, 'drain'), once(this.res, 'close')]).then(() => undefined);
  }

  end(last?: string): void {
    if (!this.res.writableEnded) this.res.end(last);
  }
}
