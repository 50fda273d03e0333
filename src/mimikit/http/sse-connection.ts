/**
 * One SSE response: frames (`id:`, `event:`, `data:`), a `retry:` hint, heartbeat comments, and a bound
 * on what may wait in memory: a client that does not read is disconnected (it reconnects with its
 * Last-Event-ID and is replayed) instead of growing the process's memory.
 */
import type { ServerResponse } from 'node:http';

export interface SseSettings {
  /** Heartbeat comment interval (default 15 s). */
  heartbeatMs: number;
  /** The client's reconnect delay (the `retry:` field, default 1.5 s). */
  retryMs: number;
  /** Bytes allowed to wait in the response buffer before the client is dropped (default 1 MiB). */
  maxBufferedBytes: number;
}

export const DEFAULT_SSE: SseSettings = { heartbeatMs: 15_000, retryMs: 1_500, maxBufferedBytes: 1 << 20 };

export type CloseReason = 'client' | 'slow' | 'server';

export function sseFrame(event: string, data: unknown, id?: number): string {
  const json = JSON.stringify(data); // JSON has no raw newlines: one data line
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${json}\n\n`;
}

export class SseConnection {
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly closeListeners: Array<(reason: CloseReason) => void> = [];

  constructor(
    private readonly res: ServerResponse,
    private readonly settings: SseSettings,
  ) {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    res.write(`retry: ${settings.retryMs}\n\n`);
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), settings.heartbeatMs);
    this.heartbeat.unref();
    res.on('close', () => this.finish('client'));
    res.on('error', () => this.finish('client'));
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  onClose(listener: (reason: CloseReason) => void): void {
    this.closeListeners.push(listener);
  }

  send(event: string, data: unknown, id?: number): boolean {
    return this.write(sseFrame(event, data, id));
  }

  /** Ends the stream (the client will reconnect after `retry`). */
  close(reason: CloseReason = 'server'): void {
    if (this.closed) return;
    this.finish(reason);
    if (reason === 'slow') this.res.destroy();
    else this.res.end();
  }

  private write(chunk: string): boolean {
    if (this.closed) return false;
    if (this.res.writableLength + Buffer.byteLength(chunk) > this.settings.maxBufferedBytes) {
      this.close('slow');
      return false;
    }
    this.res.write(chunk);
    return true;
  }

  private finish(reason: CloseReason): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const listener of this.closeListeners.splice(0)) listener(reason);
  }
}
