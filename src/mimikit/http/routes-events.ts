/**
 * `GET /api/events` (SSE). Each connection has its own bus subscription, so every tab gets every event
 * at once. `Last-Event-ID` (header, or `?lastEventId=` for a fresh EventSource) resumes after that seq:
 * the bus replays what followed, with no gap and no duplicate. Without one, or when the bus no longer has
 * what followed (older than its buffer, or an earlier runtime's seq), the client is told to load its state
 * from the REST endpoints: `ready` (first connection) or `reset` (lost position), both carrying the seq
 * the stream continues from.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Runtime, RuntimeEvent } from '../orchestrator/index.js';
import { displayEvent } from './display.js';
import { SseConnection, type SseSettings } from './sse-connection.js';
import type { StreamTracker } from './stream-tracker.js';

export interface EventsDeps {
  runtime: Runtime;
  streams: StreamTracker;
  sse: SseSettings;
  /** Every open connection (closed when the server stops). */
  connections: Set<SseConnection>;
}

/** The seq to resume after: the header wins over the query (a reconnecting EventSource sends both). */
export function resumeSeq(request: FastifyRequest): number | undefined {
  const header = request.headers['last-event-id'];
  const query = (request.query as Record<string, unknown> | undefined)?.lastEventId;
  const raw = typeof header === 'string' && header.trim() !== '' ? header : typeof query === 'string' ? query : undefined;
  if (raw === undefined || !/^\d{1,16}$/.test(raw.trim())) return undefined;
  return Number(raw.trim());
}

export function registerEventRoutes(app: FastifyInstance, deps: EventsDeps): void {
  app.get('/api/events', { exposeHeadRoute: false }, (request, reply) => {
    reply.hijack();
    const conn = new SseConnection(reply.raw, deps.sse);
    deps.connections.add(conn);
    const afterSeq = resumeSeq(request);
    const hello = { runtimeId: deps.runtime.runtimeId };
    if (afterSeq === undefined) conn.send('ready', { ...hello, seq: deps.runtime.events.lastSeq }, deps.runtime.events.lastSeq);
    const forward = (event: RuntimeEvent) => {
      if (event.kind === 'resync') {
        conn.send('reset', { ...hello, seq: event.seq, reason: 'the requested Last-Event-ID is no longer available; reload the state' }, event.seq);
        return;
      }
      const shown = displayEvent(event);
      if (!shown) return;
      // Stream deltas are not replayable: they carry no id, so a reconnect resumes from the last durable event.
      conn.send(event.kind, shown, event.kind === 'stream' ? undefined : event.seq);
    };
    let unsubscribe = () => {};
    conn.onClose(() => {
      unsubscribe();
      deps.connections.delete(conn);
    });
    unsubscribe = deps.runtime.events.subscribe(afterSeq, forward);
    if (!conn.isOpen) unsubscribe(); // dropped during the replay (over its buffer bound)
    for (const stream of deps.streams.active()) conn.send('stream_snapshot', stream);
  });
}
