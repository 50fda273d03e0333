/**
 * Load: 50 SSE clients while inputs arrive at 20/s for 30 s (the manager answering them through the fake
 * upstream and a real RouteCodex). Ten of the clients drop their connection every few seconds and resume
 * with Last-Event-ID. Every client must end with exactly the bus's message events: all of them, once
 * each, in seq order; and every accepted input shows up as an `input` event and as a committed message.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RuntimeEvent } from '../../../src/mimikit/orchestrator/index.js';
import { until } from '../harness.js';
import { connectSse, serve, type ReceivedEvent, type SseClient, type Served } from './support.js';

const CLIENTS = 50;
const RESUMING = 10;
const RATE_PER_S = 20;
const DURATION_MS = 30_000;

let s: Served | undefined;
const live: SseClient[] = [];
afterEach(async () => {
  for (const c of live.splice(0)) c.close();
  await s?.close();
  s = undefined;
});

/** One browser tab: its events across every connection it made. */
class Tab {
  readonly events: ReceivedEvent[] = [];
  private current: SseClient | undefined;

  constructor(private readonly url: string) {}

  async connect(): Promise<void> {
    const lastEventId = [...this.events].reverse().find((e) => e.id !== undefined)?.id;
    const client = await connectSse(`${this.url}/api/events`, lastEventId ? { lastEventId } : {});
    live.push(client);
    this.current = client;
    await client.waitFor((e) => e.event === 'ready' || lastEventId !== undefined, 'the stream to start');
  }

  /** Drops the connection (whatever was in flight is lost to it) and resumes from the last id it parsed. */
  async reconnect(): Promise<void> {
    this.flush();
    await this.connect();
  }

  flush(): void {
    if (!this.current) return;
    this.current.close();
    this.events.push(...this.current.events);
    this.current.events.length = 0;
  }

  all(): ReceivedEvent[] {
    return [...this.events, ...(this.current?.events ?? [])];
  }

  waitFor(predicate: (e: ReceivedEvent) => boolean, what: string): Promise<ReceivedEvent> {
    return this.current!.waitFor(predicate, what, 20_000);
  }
}

const seqOf = (e: ReceivedEvent) => (e.data as { seq: number }).seq;
const idOf = (e: ReceivedEvent) => (e.data as { message: { id: string } }).message.id;

describe('load', () => {
  it(`${CLIENTS} SSE clients, ${RATE_PER_S} inputs/s for ${DURATION_MS / 1000} s: every client gets every message exactly once, in order`, async () => {
    s = await serve();
    s.h.script([{ reply: { text: 'Got it.', chunkSize: 4 } }]);
    const served = s;
    const tabs = Array.from({ length: CLIENTS }, () => new Tab(served.url));
    await Promise.all(tabs.map((t) => t.connect()));
    const truth: RuntimeEvent[] = [];
    const unsubscribe = s.runtime.events.subscribe(undefined, (e) => {
      if (e.kind === 'message' || e.kind === 'input') truth.push(e);
    });

    const resumers = tabs.slice(0, RESUMING);
    let reconnects = 0;
    const churn = setInterval(() => {
      const tab = resumers[reconnects++ % RESUMING]!;
      void tab.reconnect();
    }, 300);

    const accepted: Array<Promise<string>> = [];
    const started = Date.now();
    const total = (RATE_PER_S * DURATION_MS) / 1000;
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE_PER_S;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now())); // the input rate, not a wait for a result
      accepted.push(
        served.api('/api/input', { method: 'POST', json: { text: `load input ${i}` } }).then(async (res) => {
          expect(res.status).toBe(200);
          return ((await res.json()) as { id: string }).id;
        }),
      );
    }
    const ids = await Promise.all(accepted);
    clearInterval(churn);
    expect(Date.now() - started).toBeLessThan(DURATION_MS + 5_000);

    const committed = () => new Set(truth.filter((e) => e.kind === 'message').map((e) => (e as Extract<RuntimeEvent, { kind: 'message' }>).message.id));
    await until(served.runtime, () => ids.every((id) => committed().has(id)) && !served.runtime.status().managerRunning, 'every input answered', 30_000);
    unsubscribe();
    const lastSeq = truth.at(-1)!.seq;
    await Promise.all(tabs.map((t) => t.waitFor((e) => e.id !== undefined && Number(e.id) >= lastSeq, 'the last event')));

    const expected = truth.map((e) => `${e.kind}:${e.seq}`);
    expect(expected.filter((k) => k.startsWith('input:'))).toHaveLength(ids.length);
    for (const [i, tab] of tabs.entries()) {
      const got = tab.all().filter((e) => e.event === 'message' || e.event === 'input');
      const keys = got.map((e) => `${e.event}:${seqOf(e)}`);
      expect(new Set(keys).size, `tab ${i}: duplicates`).toBe(keys.length);
      expect(keys, `tab ${i}: all of them, in order`).toEqual(expected);
      expect(got.filter((e) => e.event === 'input').map(idOf).sort(), `tab ${i}: inputs`).toEqual([...ids].sort());
      expect(tab.all().some((e) => e.event === 'reset'), `tab ${i}: never lost its place`).toBe(false);
    }
    expect(reconnects).toBeGreaterThan(50);
  }, 120_000);
});
