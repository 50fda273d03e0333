/** Test helpers: fixture loading and driving the stream decoder through the SSE parser. */
import type { StreamEvent } from '../../canonical/index.js';
import { decodeChunks, fixturesOf } from '../test-support.js';
import { GeminiStreamDecoder } from './stream-decode.js';

const fixtures = fixturesOf(import.meta.url);
export const fixtureText = fixtures.text;
export const fixtureJson = fixtures.json;

/** Feeds the byte chunks through SseParser into a fresh decoder; returns every canonical event. */
export function decodeSseChunks(chunks: Uint8Array[]): StreamEvent[] {
  return decodeChunks(new GeminiStreamDecoder(), chunks);
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
