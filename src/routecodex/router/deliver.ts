/**
 * Delivering a decided attempt to the client: a JSON reply in one piece, or a committed stream piped
 * event by event (raw upstream frames in passthrough, re-encoded frames otherwise). A stream that fails
 * after the commit ends with the client protocol's error event, never with a clean finish.
 */
import { StreamAccumulator, UpstreamFailure, type StreamEvent } from '../canonical/index.js';
import type { EncodeContext, StreamEncoder } from '../protocols/types.js';
import type { CommittedStream, JsonReply } from './attempt.js';
import type { AttemptTimer } from './attempt-timer.js';
import type { ClientWriter, ExchangeContext } from './exchange-types.js';
import { failureFromThrown } from './network-failure.js';
import { readBody, type ChunkVerdict } from './body-reader.js';
import type { Readable } from 'node:stream';
import type { SseEvent } from '../protocols/sse.js';

export interface DeliveryResult {
  accumulator: StreamAccumulator;
  /** A passed-through JSON reply that was not decoded (nobody needed it). */
  undecoded?: boolean;
  /** A passed-through stream whose plain deltas were forwarded undecoded: the accumulator has no content. */
  contentSkipped?: boolean;
  /** Set when the stream failed after commit. */
  failure?: UpstreamFailure;
}

export function deliverJson(
  ctx: ExchangeContext,
  writer: ClientWriter,
  reply: JsonReply,
  passthrough: boolean,
  encodeCtx: EncodeContext,
  headers: Record<string, string>,
): DeliveryResult {
  const accumulator = new StreamAccumulator();
  const response = reply.response && !passthrough ? { ...reply.response, id: encodeCtx.responseId } : reply.response;
  if (response) {
    accumulator.id = response.id;
    accumulator.model = response.model;
    accumulator.content.push(...response.content);
    accumulator.usage = response.usage;
    accumulator.stopReason = response.stopReason;
    accumulator.finished = true;
  }
  const body = passthrough || !response ? reply.raw : JSON.stringify(ctx.inbound.encodeResponse(response, encodeCtx));
  writer.sendJson(200, { 'content-type': 'application/json', ...headers }, body);
  return response ? { accumulator } : { accumulator, undecoded: true };
}

export async function deliverStream(
  ctx: ExchangeContext,
  writer: ClientWriter,
  stream: CommittedStream,
  passthrough: boolean,
  encodeCtx: EncodeContext,
  headers: Record<string, string>,
  timer: AttemptTimer,
  providerKey: string,
): Promise<DeliveryResult> {
  const accumulator = new StreamAccumulator();
  const encoder: StreamEncoder = ctx.inbound.createStreamEncoder(encodeCtx);
  writer.startStream({
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-accel-buffering': 'no',
    ...headers,
  });

  /** Text for the client from one upstream frame (raw in passthrough), or the failure the frame carried. */
  const render = (raw: string, events: StreamEvent[]): string | UpstreamFailure => {
    let out = '';
    for (const e of events) {
      if (e.type === 'error') return e.failure;
      if (!passthrough && e.type === 'message_start') e.id = encodeCtx.responseId;
      accumulator.push(e);
      if (!passthrough) out += encoder.encode(e);
    }
    return passthrough ? raw : out;
  };

  // Everything rendered from one upstream chunk goes out in one write.
  let pending = '';
  let failure: UpstreamFailure | undefined;
  const take = (raw: string, events: StreamEvent[]): boolean => {
    const r = render(raw, events);
    if (typeof r !== 'string') {
      failure = r;
      return false;
    }
    pending += r;
    return true;
  };
  // Nobody needs the decoded answer of a passthrough stream: plain deltas go out as they came, unparsed.
  const decoder = stream.decoder;
  const skipPlain = passthrough && !ctx.needResponse && decoder.isPlainDelta !== undefined;
  let skipped = false;
  const takeSse = (sse: SseEvent): boolean => {
    if (skipPlain && decoder.isPlainDelta!(sse)) {
      pending += sse.raw;
      skipped = true;
      return true;
    }
    return take(sse.raw, decoder.push(sse));
  };
  let upstreamDone = stream.ended;
  for (const frame of stream.held) if (!take(frame.raw, frame.events)) break;
  if (!failure) for (const sse of stream.rest) if (!takeSse(sse)) break;
  timer.clear();
  if (!failure && !upstreamDone && !accumulator.finished && !writer.closed) {
    const flush = (): ChunkVerdict => {
      const text = pending;
      pending = '';
      return text === '' || writer.write(text) ? 'continue' : writer.drained();
    };
    const first = flush();
    if (first !== 'continue') await first;
    timer.arm(ctx.failover.idleStreamTimeoutMs, 'no stream event');
    const read = await readBody(stream.body, (chunk) => {
      timer.arm(ctx.failover.idleStreamTimeoutMs, 'no stream event');
      for (const sse of stream.parser.push(chunk)) if (!takeSse(sse)) break;
      // The protocol's terminal event (or a failure) ends the answer; the rest is drained later.
      if (failure || accumulator.finished || writer.closed) return 'stop';
      return flush();
    });
    upstreamDone = read.ended;
    if (read.error !== undefined && !failure && !accumulator.finished) failure = timer.timeoutFailure ?? failureFromThrown(read.error, providerKey, 'body');
  }
  // The upstream closed: what the parser still holds, then the decoder's verdict (terminal or broken).
  if (upstreamDone && !failure && !accumulator.finished) {
    for (const sse of stream.parser.end()) if (!takeSse(sse)) break;
    if (!failure) take('', decoder.end());
  }
  timer.dispose();
  if (failure && !writer.closed) {
    failure.providerKey ??= providerKey;
    pending += encoder.encodeError(failure);
  }
  writer.end(pending || undefined);
  if (!upstreamDone) {
    // The terminal event came before the upstream closed: read the rest in the background so the
    // connection stays reusable; after a failure, drop it.
    if (failure) stream.body.destroy();
    else drain(stream.body, ctx.failover.idleStreamTimeoutMs);
  }
  const result: DeliveryResult = failure ? { accumulator, failure } : { accumulator };
  if (skipped) result.contentSkipped = true;
  return result;
}

/** Reads what is left of an upstream body; gives up (closing the connection) after `limitMs`. */
function drain(body: Readable, limitMs: number): void {
  const timer = setTimeout(() => body.destroy(), limitMs);
  timer.unref();
  body.once('close', () => clearTimeout(timer));
  body.on('error', () => undefined);
  body.resume();
}
