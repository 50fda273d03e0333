/**
 * GET /api/events over a real port: every client gets every event (own subscription per connection),
 * Last-Event-ID resumes with no gap and no duplicate, a lost position gets `reset`, heartbeats, a slow
 * client is dropped at its buffer bound, a client joining mid-reply gets the text so far.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectSse, messageIds, serve, type SseClient, type Served } from './support.js';

let s: Served | undefined;
const clients: SseClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await s?.close();
  s = undefined;
});

async function open(url: string, options: Parameters<typeof connectSse>[1] = {}): Promise<SseClient> {
  const client = await connectSse(url, options);
  clients.push(client);
  return client;
}

/** Appends `n` user-visible notices; their message ids, in order. */
async function notices(served: Served, tag: string, n: number): Promise<string[]> {
  for (let i = 0; i < n; i++) await served.runtime.notify(`${tag}_${i}`, `${tag} #${i}`);
  return Array.from({ length: n }, (_, i) => `sys-${tag}_${i}-${served.runtime.runtimeId}`);
}

describe('GET /api/events', () => {
  it('starts with retry + ready (id = the current seq); events carry id = seq and event = kind; hidden tags stripped', async () => {
    s = await serve();
    const c = await open(`${s.url}/api/events`);
    expect(c.status).toBe(200);
    expect(c.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(c.headers['cache-control']).toBe('no-cache, no-transform');
    const ready = await c.waitFor((e) => e.event === 'ready', 'ready');
    expect(c.raw()).toMatch(/^retry: \d+\n\n/);
    expect(ready).toEqual({ event: 'ready', id: String(s.runtime.events.lastSeq), data: { runtimeId: s.runtime.runtimeId, seq: s.runtime.events.lastSeq } });
    await s.runtime.notify('hello', 'Hello there', { secret: 'payload' });
    const m = await c.waitFor((e) => e.event === 'message', 'a message');
    const data = m.data as { seq: number; kind: string; message: { text: string } };
    expect(m.id).toBe(String(data.seq));
    expect(data.kind).toBe('message');
    expect(data.message.text).toBe('Hello there');
    expect(c.raw()).not.toContain('system_event');
  });

  it('many clients at once: each receives every event, in order, once, promptly', async () => {
    s = await serve();
    const many = await Promise.all(Array.from({ length: 12 }, () => open(`${s!.url}/api/events`)));
    await Promise.all(many.map((c) => c.waitFor((e) => e.event === 'ready', 'ready')));
    const ids = await notices(s, 'fanout', 25);
    const last = ids.at(-1)!;
    const sentAt = Date.now();
    await Promise.all(many.map((c) => c.waitFor((e) => e.event === 'message' && (e.data as { message: { id: string } }).message.id === last, 'the last notice', 2_000)));
    expect(Date.now() - sentAt).toBeLessThan(2_000); // no waiting for a heartbeat or a shared wake-up
    for (const c of many) {
      expect(messageIds(c)).toEqual(ids);
      const seqs = c.events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
    }
  });

  it('reconnecting with Last-Event-ID (header or ?lastEventId=) replays exactly what was missed, then goes live', async () => {
    s = await serve();
    const first = await open(`${s.url}/api/events`);
    const before = await notices(s, 'before', 5);
    await first.waitFor((e) => e.event === 'message' && (e.data as { message: { id: string } }).message.id === before.at(-1), 'the first five');
    const lastId = first.lastId()!;
    first.close();
    const missed = await notices(s, 'missed', 5);

    const byHeader = await open(`${s.url}/api/events?lastEventId=1`, { lastEventId: lastId }); // the header wins over the query
    const byQuery = await open(`${s.url}/api/events?lastEventId=${lastId}`);
    const after = await notices(s, 'after', 3);
    for (const c of [byHeader, byQuery]) {
      await c.waitFor((e) => e.event === 'message' && (e.data as { message: { id: string } }).message.id === after.at(-1), 'the live ones');
      expect(c.events.some((e) => e.event === 'ready' || e.event === 'reset')).toBe(false);
      expect(messageIds(c)).toEqual([...missed, ...after]);
      expect(Number(c.events[0]!.id)).toBeGreaterThan(Number(lastId));
    }
    expect(messageIds(first)).toEqual(before);
  });

  it('a position the bus no longer has (older than its buffer, another runtime) → reset, then live events', async () => {
    s = await serve();
    await notices(s, 'x', 2);
    for (const stale of ['1', String(s.runtime.events.lastSeq + 1_000_000), 'garbage']) {
      const c = await open(`${s.url}/api/events`, { lastEventId: stale });
      const first = await c.waitFor(() => true, 'the first event');
      if (stale === 'garbage') {
        expect(first.event).toBe('ready'); // not a seq at all: a fresh start
        continue;
      }
      expect(first.event).toBe('reset');
      expect(first.id).toBe(String(s.runtime.events.lastSeq));
      expect(first.data).toMatchObject({ runtimeId: s.runtime.runtimeId, seq: s.runtime.events.lastSeq });
      expect(messageIds(c)).toEqual([]);
    }
    const resumed = clients[0]!;
    const live = await notices(s, 'live', 1);
    await resumed.waitFor((e) => e.event === 'message', 'a live event after reset');
    expect(messageIds(resumed)).toEqual(live);
  });

  it('sends heartbeat comments', async () => {
    s = await serve({ http: { sse: { heartbeatMs: 40 } } });
    const c = await open(`${s.url}/api/events`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no heartbeat in ${c.raw()}`)), 3_000);
      const poll = setInterval(() => {
        if ((c.raw().match(/^: heartbeat$/gm) ?? []).length >= 2) {
          clearTimeout(timer);
          clearInterval(poll);
          resolve();
        }
      }, 20);
    });
  });

  it('a client that stops reading is disconnected at its buffer bound; the others get everything', async () => {
    s = await serve({ http: { sse: { maxBufferedBytes: 256 * 1024 } } });
    const reader = await open(`${s.url}/api/events`);
    await reader.waitFor((e) => e.event === 'ready', 'ready');
    const { port } = new URL(s.url);
    const stalled = net.connect(Number(port), '127.0.0.1');
    await new Promise<void>((resolve) => stalled.once('connect', () => resolve()));
    stalled.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`);
    let stalledClosed = false;
    stalled.once('close', () => (stalledClosed = true));
    await new Promise<void>((resolve) => stalled.once('data', () => resolve())); // its response started
    stalled.pause(); // ... and it reads nothing more
    expect(s.server.sseConnections).toBe(2);

    // 16 MiB in 128 KiB deltas, each published once the reading client has the previous one (its buffer
    // stays small); the stalled client's grows past the kernel's socket buffers, then past the bound.
    const chunk = 'x'.repeat(128 * 1024);
    const deltas = () => reader.events.filter((e) => e.event === 'stream').length;
    for (let i = 1; i <= 128; i++) {
      s.runtime.events.publish({ kind: 'stream', id: 'big', delta: chunk });
      await reader.waitFor(() => deltas() >= i, `delta ${i}`);
    }
    s.runtime.events.publish({ kind: 'stream_end', id: 'big', reason: 'discarded' });
    await reader.waitFor((e) => e.event === 'stream_end', 'the end of the big stream');
    expect(s.server.sseConnections).toBe(1); // the stalled one was dropped
    stalled.resume(); // what it had buffered drains, then the socket closes
    await new Promise<void>((resolve) => (stalledClosed ? resolve() : stalled.once('close', () => resolve())));
  });

  it('a client joining mid-reply gets the text so far (stream_snapshot), then the live deltas without ids', async () => {
    s = await serve();
    s.runtime.events.publish({ kind: 'stream', id: 'st-1', delta: 'Hello ' });
    s.runtime.events.publish({ kind: 'stream', id: 'st-1', delta: '**wor' });
    const c = await open(`${s.url}/api/events`);
    const snapshot = await c.waitFor((e) => e.event === 'stream_snapshot', 'the snapshot');
    expect(snapshot).toEqual({ event: 'stream_snapshot', data: { id: 'st-1', text: 'Hello **wor' } });
    s.runtime.events.publish({ kind: 'stream', id: 'st-1', delta: 'ld**' });
    const delta = await c.waitFor((e) => e.event === 'stream', 'a live delta');
    expect(delta.id).toBeUndefined();
    expect(delta.data).toMatchObject({ id: 'st-1', delta: 'ld**' });
    s.runtime.events.publish({ kind: 'stream_end', id: 'st-1', reason: 'discarded' });
    await c.waitFor((e) => e.event === 'stream_end', 'the end');
    const late = await open(`${s.url}/api/events`);
    await late.waitFor((e) => e.event === 'ready', 'ready');
    await notices(s, 'after', 1);
    await late.waitFor((e) => e.event === 'message', 'a message');
    expect(late.events.some((e) => e.event === 'stream_snapshot')).toBe(false); // nothing streams any more
  });

  it('closing the server ends every stream', async () => {
    s = await serve();
    const a = await open(`${s.url}/api/events`);
    const b = await open(`${s.url}/api/events`);
    await Promise.all([a, b].map((c) => c.waitFor((e) => e.event === 'ready', 'ready')));
    await s.server.close();
    await Promise.all([a.ended, b.ended]);
    expect(s.server.sseConnections).toBe(0);
  });
});
