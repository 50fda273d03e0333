/** Test helpers: fixture loading and feeding SSE bytes through the parser into a decoder. */
import { readFileSync } from 'node:fs';
import type { StreamEvent } from '../../canonical/index.js';
import { SseParser } from '../sse.js';
import type { StreamDecoder } from '../types.js';

export function fixtureText(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

/** Feeds byte chunks through an `SseParser` into a decoder, then ends both; returns every event. */
export function decodeChunks(decoder: StreamDecoder, chunks: Uint8Array[]): StreamEvent[] {
  const parser = new SseParser();
  const out: StreamEvent[] = [];
  for (const c of chunks) for (const ev of parser.push(c)) out.push(...decoder.push(ev));
  for (const ev of parser.end()) out.push(...decoder.push(ev));
  out.push(...decoder.end());
  return out;
}

export function decodeSseText(decoder: StreamDecoder, text: string): StreamEvent[] {
  return decodeChunks(decoder, [new TextEncoder().encode(text)]);
}
