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
  const response = passthrough ? reply.response : { ...reply.response, id: encodeCtx.responseId };
  accumulator.id = response.id;
  accumulator.model = response.model;
  accumulator.content.push(...response.content);
  accumulator.usage = response.usage;
  accumulator.stopReason = response.stopReason;
  accumulator.finished = true;
  const body = passthrough ? reply.raw : JSON.stringify(ctx.inbound.encodeResponse(response, encodeCtx));
  writer.sendJson(200, { 'content-type': 'application/json', ...headers }, body);
  return { accumulator };
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

  /** Writes one upstream frame; returns a failure when the frame carried one. */
  const emit = async (raw: string, events: StreamEvent[]): Promise<UpstreamFailure | undefined> => {
    let out = '';
    for (const e of events) {
      if (e.type === 'error') return e.failure;
      if (!passthrough && e.type === 'message_start') e.id = encodeCtx.responseId;
      accumulator.push(e);
      if (!passthrough) out += encoder.encode(e);
    }
    if (passthrough) out = raw;
    if (out) await writer.write(out);
    return undefined;
  };

  let failure: UpstreamFailure | undefined;
  try {
    for (const frame of stream.held) {
      failure = await emit(frame.raw, frame.events);
      if (failure) break;
    }
    timer.clear();
    while (!failure && !stream.ended && !writer.closed) {
      timer.arm(ctx.failover.idleStreamTimeoutMs, 'no stream event');
      const chunk = await stream.body.next();
      const sseEvents = chunk.done ? stream.parser.end() : stream.parser.push(chunk.value);
      for (const sse of sseEvents) {
        failure = await emit(sse.raw, stream.decoder.push(sse));
        if (failure) break;
      }
      if (chunk.done && !failure) {
        failure = await emit('', stream.decoder.end());
        break;
      }
    }
  } catch (e) {
    failure = timer.timeoutFailure ?? failureFromThrown(e, providerKey, 'body');
  } finally {
    timer.dispose();
  }
  if (failure && !writer.closed) {
    failure.providerKey ??= providerKey;
    await writer.write(encoder.encodeError(failure)).catch(() => undefined);
  }
  if (!stream.ended && failure) await stream.body.return?.().catch(() => undefined);
  writer.end();
  return failure ? { accumulator, failure } : { accumulator };
}
