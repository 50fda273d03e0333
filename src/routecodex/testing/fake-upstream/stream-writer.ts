/**
 * Writing a reply body to the socket: SSE / JSON-array framing, delays between events, raw byte slicing,
 * and the stream faults (hang, cut, malformed line, in-band error) after K events.
 */
import type { ServerResponse } from 'node:http';
import type { WirePayload } from './wire/types.js';

export type Framing = { kind: 'sse'; lineEnd: '\n' | '\r\n' } | { kind: 'json-array' };

export const MALFORMED_DATA = '{this is not json';

export function frameEvent(p: WirePayload, index: number, framing: Framing): string {
  if (framing.kind === 'json-array') return (index === 0 ? '[' : ',\r\n') + p.data;
  const le = framing.lineEnd;
  return p.event === undefined ? `data: ${p.data}${le}${le}` : `event: ${p.event}${le}data: ${p.data}${le}${le}`;
}

/** What follows the last event of a well-formed body (`]` for a JSON array). */
export function frameClose(framing: Framing, count: number): string {
  if (framing.kind === 'sse') return '';
  return count === 0 ? '[]' : ']';
}

/** True once the client is gone or the server destroyed the socket. */
export function isGone(res: ServerResponse): boolean {
  return res.destroyed || res.socket === null || res.socket.destroyed;
}

/** Waits `ms`; resolves false early if the connection closes meanwhile. */
export function sleepWhileOpen(ms: number, res: ServerResponse): Promise<boolean> {
  if (isGone(res)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = (): void => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!isGone(res));
    }, ms);
    res.once('close', onClose);
  });
}

function writeAndFlush(res: ServerResponse, data: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    res.write(data, () => resolve());
  });
}

export interface WriteOptions {
  chunkDelayMs: number;
  byteChunkSize: number | undefined;
}

/**
 * Writes the pieces (already framed). Without delay or byte slicing this is a single write. Returns false
 * if the connection went away before everything was written.
 */
export async function writePieces(res: ServerResponse, pieces: string[], opts: WriteOptions): Promise<boolean> {
  if (pieces.length === 0) return !isGone(res);
  if (opts.byteChunkSize !== undefined) {
    const buf = Buffer.from(pieces.join(''), 'utf8');
    for (let at = 0; at < buf.length; at += opts.byteChunkSize) {
      if (isGone(res)) return false;
      const slice = buf.subarray(at, Math.min(at + opts.byteChunkSize, buf.length));
      if (at > 0 && opts.chunkDelayMs > 0 && !(await sleepWhileOpen(opts.chunkDelayMs, res))) return false;
      await writeAndFlush(res, slice);
    }
    return !isGone(res);
  }
  if (opts.chunkDelayMs <= 0) {
    res.write(pieces.length === 1 ? (pieces[0] ?? '') : pieces.join(''));
    return !isGone(res);
  }
  for (let i = 0; i < pieces.length; i++) {
    if (i > 0 && !(await sleepWhileOpen(opts.chunkDelayMs, res))) return false;
    res.write(pieces[i] ?? '');
  }
  return !isGone(res);
}

/** Sends the headers now (a hang or cut with nothing written must still show the status). */
export function flushHeadersNow(res: ServerResponse): Promise<void> {
  res.flushHeaders(); // `headersSent` turns true at writeHead(), before anything is written: always flush
  return new Promise((resolve) => {
    if (!res.socket || res.socket.destroyed) resolve();
    else res.socket.write('', () => resolve());
  });
}

/** Closes the connection after what was written has been flushed; the body stays unterminated. */
export function cutConnection(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket || socket.destroyed) return;
  socket.end(() => socket.destroy());
}

export type StreamEnding =
  | { kind: 'complete' }
  | { kind: 'hang'; after: number }
  | { kind: 'cut'; after: number }
  | { kind: 'malformed'; after: number }
  | { kind: 'inBand'; after: number; status: number; message: string; error: (sequence: number) => WirePayload };

/** Writes `events` with the given ending; the response must already have its head written. */
export async function writeStream(
  res: ServerResponse,
  events: WirePayload[],
  framing: Framing,
  ending: StreamEnding,
  opts: WriteOptions,
): Promise<void> {
  const k = ending.kind === 'complete' ? events.length : Math.min(ending.after, events.length);
  const pieces: string[] = new Array<string>(k);
  for (let i = 0; i < k; i++) pieces[i] = frameEvent(events[i] as WirePayload, i, framing);
  if (ending.kind === 'complete') pieces.push(frameClose(framing, k));
  else if (ending.kind === 'malformed') {
    pieces.push(frameEvent({ data: MALFORMED_DATA }, k, framing), frameClose(framing, k + 1));
  } else if (ending.kind === 'inBand') {
    pieces.push(frameEvent(ending.error(k), k, framing), frameClose(framing, k + 1));
  }
  if (ending.kind === 'complete' && opts.chunkDelayMs <= 0 && opts.byteChunkSize === undefined) {
    res.end(pieces.join('')); // the common case: one write
    return;
  }
  if (pieces.length === 0 || pieces.every((p) => p === '')) await flushHeadersNow(res);
  else if (!(await writePieces(res, pieces, opts))) return;
  switch (ending.kind) {
    case 'hang':
      return;
    case 'cut':
      cutConnection(res);
      return;
    default:
      res.end();
  }
}
