/** Shared by the codec tests: fixture files and feeding SSE bytes through the parser into a stream decoder. */
import { readFileSync } from 'node:fs';
import type { StreamEvent } from '../canonical/index.js';
import { SseParser } from './sse.js';
import type { StreamDecoder } from './types.js';

/** Reads fixtures from the `fixtures/` folder next to the module whose `import.meta.url` is given. */
export function fixturesOf(moduleUrl: string): { text(name: string): string; json<T = unknown>(name: string): T } {
  const text = (name: string) => readFileSync(new URL(`./fixtures/${name}`, moduleUrl), 'utf8');
  return { text, json: <T = unknown>(name: string) => JSON.parse(text(name)) as T };
}

/** Feeds byte chunks through a fresh SseParser into `decoder`, then ends both; returns every event. */
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
