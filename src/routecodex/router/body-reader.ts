/**
 * Reads an upstream body in flowing mode, the way `pipe` does: chunks are handled as they arrive, all
 * the chunks already buffered in one event-loop turn, with no promise per chunk. (Reading through an
 * async iterator instead cost a read syscall, an event-loop turn and a client write per chunk.)
 */
import type { Readable } from 'node:stream';

/** `stop`: done with the body (it is left paused); a promise: pause until it settles (backpressure). */
export type ChunkVerdict = 'continue' | 'stop' | Promise<void>;

export interface BodyReadResult {
  /** The upstream finished its body. */
  ended: boolean;
  /** The body failed (connection lost, aborted by a deadline or the client). */
  error?: unknown;
}

export function readBody(body: Readable, onChunk: (chunk: Buffer) => ChunkVerdict): Promise<BodyReadResult> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: BodyReadResult) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
      body.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      let verdict: ChunkVerdict;
      try {
        verdict = onChunk(chunk);
      } catch (e) {
        // Never let a handler bug escape from a stream event (it would take the process down).
        body.pause();
        finish({ ended: false, error: e });
        return;
      }
      if (verdict === 'continue') return;
      if (verdict === 'stop') {
        body.pause();
        finish({ ended: false });
        return;
      }
      body.pause();
      verdict.then(
        () => !settled && body.resume(),
        (e: unknown) => finish({ ended: false, error: e }),
      );
    };
    const onEnd = () => finish({ ended: true });
    const onError = (e: unknown) => finish({ ended: false, error: e });
    // Destroyed without 'end' or 'error' (the socket went away): a broken body.
    const onClose = () => finish({ ended: body.readableEnded, ...(body.readableEnded ? {} : { error: new Error('upstream body closed before its end') }) });
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
    if (body.readableEnded) finish({ ended: true });
    // Destroyed before this reader came (its 'close' is gone): broken, never a wait for events that will not come.
    else if (body.destroyed) finish({ ended: false, error: body.errored ?? new Error('upstream body closed before its end') });
    else body.resume();
  });
}
