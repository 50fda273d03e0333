/**
 * Server-sent events: an incremental parser (bytes in, events out) and a frame formatter.
 * The parser decodes UTF-8 in streaming mode, so a multi-byte character split across network chunks
 * is reassembled, and accepts \n, \r\n and \r line endings (per the WHATWG spec).
 */
import { StringDecoder } from 'node:string_decoder';

export interface SseEvent {
  /** The `event:` field; undefined for the default "message" type. */
  event?: string;
  data: string;
  id?: string;
  /** The exact text of the event as received, line endings normalized, for byte-faithful forwarding. */
  raw: string;
}

export class SseParser {
  // StringDecoder, not TextDecoder: same streaming UTF-8 semantics, far cheaper to create and to run.
  private readonly decoder = new StringDecoder('utf8');
  private buffer = '';
  private eventName: string | undefined;
  /** The first data line, and the others when there are several (most events have one). */
  private data: string | undefined;
  private moreData: string[] | undefined;
  private id: string | undefined;
  /** Raw text of the event in progress that came with earlier chunks (or the \r path), lines ended by \n. */
  private rawCarry = '';
  private sawCr = false;

  /** Feeds a chunk of bytes; returns the events it completed. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (this.sawCr && text.startsWith('\n')) text = text.slice(1); // \r\n split across chunks
    this.sawCr = text.endsWith('\r');
    this.buffer += text;
    return this.drain();
  }

  /** End of input: a trailing event without its blank line is still dispatched. */
  end(): SseEvent[] {
    const tail = this.decoder.end();
    if (tail) this.buffer += tail;
    const events = this.drain();
    if (this.buffer.length > 0) {
      this.processLine(this.buffer);
      this.rawCarry += `${this.buffer}\n`;
      this.buffer = '';
    }
    const last = this.dispatch('');
    if (last) events.push(last);
    return events;
  }

  private drain(): SseEvent[] {
    // Most streams use \n only: find lines with the native indexOf. A \r anywhere takes the general path.
    if (!this.buffer.includes('\r')) return this.drainLf();
    const events: SseEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.buffer.slice(start, i);
      if (c === 13 && this.buffer.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
      if (line.length === 0) {
        const ev = this.dispatch('');
        if (ev) events.push(ev);
      } else {
        this.processLine(line);
        this.rawCarry += `${line}\n`;
      }
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  private drainLf(): SseEvent[] {
    const events: SseEvent[] = [];
    const buf = this.buffer;
    let start = 0;
    // Where the lines of the event in progress begin in `buf`: its raw text is one slice from there.
    let eventStart = 0;
    for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n', start)) {
      const lineStart = start;
      start = nl + 1;
      if (nl === lineStart) {
        const ev = this.dispatch(buf.slice(eventStart, start));
        eventStart = start;
        if (ev) events.push(ev);
      } else {
        this.processLine(buf.slice(lineStart, nl));
      }
    }
    if (eventStart < start) this.rawCarry += buf.slice(eventStart, start);
    this.buffer = start === 0 ? buf : buf.slice(start);
    return events;
  }

  private processLine(line: string): void {
    if (line.charCodeAt(0) === 58 /* : */) return; // comment / keep-alive
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    switch (field) {
      case 'event':
        this.eventName = value;
        break;
      case 'data':
        if (this.data === undefined) this.data = value;
        else (this.moreData ??= []).push(value);
        break;
      case 'id':
        this.id = value;
        break;
      default:
        break; // `retry` and unknown fields are ignored
    }
  }

  /** Ends the event in progress at a blank line; `rawTail` is its raw text not yet in `rawCarry`. */
  private dispatch(rawTail: string): SseEvent | undefined {
    let event: SseEvent | undefined;
    if (this.data !== undefined) {
      const data = this.moreData ? [this.data, ...this.moreData].join('\n') : this.data;
      const raw = this.rawCarry + rawTail;
      // The blank line that ends the event is part of its raw text (a final event may lack it).
      event = { data, raw: raw.endsWith('\n\n') ? raw : raw.endsWith('\n') ? `${raw}\n` : `${raw}\n\n` };
      if (this.eventName !== undefined) event.event = this.eventName;
      if (this.id !== undefined) event.id = this.id;
    }
    this.eventName = undefined;
    this.data = undefined;
    this.moreData = undefined;
    this.id = undefined;
    this.rawCarry = '';
    return event;
  }
}

/** One SSE frame. `data` is written as-is when a string, else as JSON. */
export function sseFrame(data: unknown, event?: string): string {
  const payload = typeof data === 'string' ? data : JSON.stringify(data);
  const head = event === undefined ? '' : `event: ${event}\n`;
  if (!payload.includes('\n')) return `${head}data: ${payload}\n\n`;
  return `${head}${payload.split('\n').map((l) => `data: ${l}`).join('\n')}\n\n`;
}

/** Parses an SSE `data` payload as JSON, or returns undefined when it is not JSON. */
export function parseSseJson(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return undefined;
  }
}
