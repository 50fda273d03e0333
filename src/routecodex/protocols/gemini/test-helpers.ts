/** Test helpers: fixture loading and driving the stream decoder through the SSE parser. */
import { readFileSync } from 'node:fs';
import type { StreamEvent } from '../../canonical/index.js';
import { SseParser } from '../sse.js';
import { GeminiStreamDecoder } from './stream-decode.js';

export function fixtureText(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

export function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name)) as unknown;
}

/** Feeds the byte chunks through SseParser into a fresh decoder; returns every canonical event. */
export function decodeSseChunks(chunks: Uint8Array[]): StreamEvent[] {
  const parser = new SseParser();
  const decoder = new GeminiStreamDecoder();
  const events: StreamEvent[] = [];
  for (const chunk of chunks) for (const ev of parser.push(chunk)) events.push(...decoder.push(ev));
  for (const ev of parser.end()) events.push(...decoder.push(ev));
  events.push(...decoder.end());
  return events;
}

export function decodeSseText(text: string): StreamEvent[] {
  return decodeSseChunks([new TextEncoder().encode(text)]);
}

/** Replaces generated tool-call ids (`call_` + 24 hex) so runs can be compared. */
export function normalizeIds(events: StreamEvent[]): StreamEvent[] {
  return events.map((e) =>
    e.type === 'part_start' && e.part.type === 'tool_call' && /^call_[0-9a-f]{24}$/.test(e.part.id)
      ? { ...e, part: { ...e.part, id: 'call_GENERATED' } }
      : e,
  );
}
