/** A ClientWriter over Node's raw HTTP response (the route hijacks fastify's reply for zero-copy streaming). */
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { ClientWriter } from '../router/exchange-types.js';

export class RawClientWriter implements ClientWriter {
  private readonly controller = new AbortController();

  constructor(private readonly res: ServerResponse) {
    res.on('close', () => {
      if (!res.writableFinished) this.controller.abort(new Error('client disconnected'));
    });
  }

  /** Aborted when the client goes away before the answer is complete. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded || this.controller.signal.aborted;
  }

  sendJson(status: number, headers: Record<string, string>, body: string | Uint8Array): void {
    if (this.closed) return;
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    this.res.writeHead(status, { ...headers, 'content-length': String(payload.byteLength) });
    this.res.end(payload);
  }

  /** The headers go out with the first frames (one socket write), not on their own. */
  startStream(headers: Record<string, string>): void {
    if (this.closed) return;
    this.res.writeHead(200, headers);
  }

  async write(chunk: string): Promise<void> {
    if (this.closed) return;
    if (!this.res.write(chunk)) {
      await Promise.race([once(this.res, 'drain'), once(this.res, 'close')]);
    }
  }

  end(last?: string): void {
    if (!this.res.writableEnded) this.res.end(last);
  }
}
