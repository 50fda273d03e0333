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

export interface DeliveryResult {
  accumulator: StreamAccumulator;
  /** A passed-through JSON reply that was not decoded (nobody needed it). */
  undecoded?: boolean;
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
  let upstreamDone = stream.ended;
  try {
    for (const frame of stream.held) if (!take(frame.raw, frame.events)) break;
    timer.clear();
    while (!failure && !upstreamDone && !accumulator.finished && !writer.closed) {
      if (pending) {
        await writer.write(pending);
        pending = '';
      }
      timer.arm(ctx.failover.idleStreamTimeoutMs, 'no stream event');
      const chunk = await stream.body.next();
      upstreamDone = chunk.done === true;
      for (const sse of upstreamDone ? stream.parser.end() : stream.parser.push(chunk.value!)) {
        if (!take(sse.raw, stream.decoder.push(sse))) break;
      }
      if (upstreamDone && !failure) take('', stream.decoder.end());
    }
  } catch (e) {
    failure = timer.timeoutFailure ?? failureFromThrown(e, providerKey, 'body');
  } finally {
    timer.dispose();
  }
  if (failure && !writer.closed) {
    failure.providerKey ??= providerKey;
    pending += encoder.encodeError(failure);
  }
  writer.end(pending || undefined);
  if (!upstreamDone) {
    // The terminal event came before the upstream closed: read the rest in the background so the
    // connection stays reusable; after a failure, drop it.
    if (failure) await stream.body.return?.().catch(() => undefined);
    else void drain(stream.body, ctx.failover.idleStreamTimeoutMs);
  }
  return failure ? { accumulator, failure } : { accumulator };
}

/** Reads what is left of an upstream body; gives up (closing the connection) after `limitMs`. */
async function drain(body: AsyncIterator<Buffer>, limitMs: number): Promise<void> {
  const timer = setTimeout(() => void body.return?.().catch(() => undefined), limitMs);
  timer.unref();
  try {
    for (let c = await body.next(); !c.done; c = await body.next());
  } catch {
    // the connection is gone; nothing to keep alive
  } finally {
    clearTimeout(timer);
  }
}
