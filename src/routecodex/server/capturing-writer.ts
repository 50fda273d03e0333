/** A ClientWriter that keeps what an exchange would have sent, to be replayed or replaced later. */
import type { ClientWriter } from '../router/exchange-types.js';

export class CapturingWriter implements ClientWriter {
  private json: { status: number; headers: Record<string, string>; body: string | Uint8Array } | undefined;
  private streamHeaders: Record<string, string> | undefined;
  private readonly chunks: string[] = [];

  constructor(private readonly real: ClientWriter) {}

  get closed(): boolean {
    return this.real.closed;
  }
  sendJson(status: number, headers: Record<string, string>, body: string | Uint8Array): void {
    this.json = { status, headers, body };
  }
  startStream(headers: Record<string, string>): void {
    this.streamHeaders = headers;
  }
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  drained(): Promise<void> {
    return Promise.resolve();
  }
  end(last?: string): void {
    if (last) this.chunks.push(last);
  }

  /** Sends what was captured to the real client, unchanged. */
  async replay(): Promise<void> {
    if (this.json) this.real.sendJson(this.json.status, this.json.headers, this.json.body);
    else if (this.streamHeaders) {
      this.real.startStream(this.streamHeaders);
      for (const c of this.chunks) if (!this.real.write(c)) await this.real.drained();
      this.real.end();
    }
  }

  /** The headers the exchange would have answered with. */
  get headers(): Record<string, string> {
    return this.json?.headers ?? this.streamHeaders ?? {};
  }
}
