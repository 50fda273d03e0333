/**
 * One attempt at one target: send, and read until the attempt is decided. A JSON reply is decided when
 * its body is read and decoded; a stream when its first content event arrives (the commit point) — any
 * failure before that is reported back so the executor can try the next target invisibly.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { UpstreamFailure, isContentEvent, type CanonicalResponse, type StreamEvent } from '../canonical/index.js';
import { hasErrorField } from '../protocols/common.js';
import { SseParser, type SseEvent } from '../protocols/sse.js';
import type { StreamDecoder } from '../protocols/types.js';
import type { ProviderRuntime } from '../providers/provider-runtime.js';
import { AttemptTimer } from './attempt-timer.js';
import { readBody } from './body-reader.js';
import type { Candidate, ExchangeContext } from './exchange-types.js';
import { failureFromThrown } from './network-failure.js';

/** Upstream SSE events read before the commit point, replayed to the client once it commits. */
export interface HeldFrame {
  raw: string;
  events: StreamEvent[];
}

export interface CommittedStream {
  kind: 'stream';
  /** Decoded events up to the commit point. */
  held: HeldFrame[];
  /** Events read after the commit point (in the same chunks), not decoded yet: the delivery decides. */
  rest: SseEvent[];
  /** The rest of the upstream body (paused), read by the delivery. */
  body: Readable;
  parser: SseParser;
  decoder: StreamDecoder;
  /** The upstream body was read to its end: nothing more to read (the parser and decoder are not ended). */
  ended: boolean;
}

export interface JsonReply {
  kind: 'json';
  /** Upstream bytes, forwarded as-is in passthrough (never decoded to text unless parsed). */
  raw: Buffer;
  /** Decoded, unless it was passed through and nobody needs it. */
  response?: CanonicalResponse;
}

export type AttemptResult =
  | { ok: true; passthrough: boolean; status: number; reply: JsonReply | CommittedStream; timer: AttemptTimer }
  | { ok: false; passthrough: boolean; failure: UpstreamFailure; clientAborted: boolean };

function bodyFor(ctx: ExchangeContext, runtime: ProviderRuntime, model: string): { path: string; body: string; passthrough: boolean } {
  const raw = ctx.passthroughBody(runtime.spec);
  if (raw) {
    // The parsed body is this request's own object: set the model in place instead of copying it.
    raw.model = model;
    return { path: runtime.codec.requestPath(model, ctx.canonical.stream), body: JSON.stringify(raw), passthrough: true };
  }
  const encoded = runtime.codec.encodeRequest(ctx.canonical, model);
  return { path: encoded.path, body: JSON.stringify(encoded.body), passthrough: false };
}

async function readText(body: Dispatcher.ResponseData['body']): Promise<string> {
  return body.text();
}

async function readBytes(body: Dispatcher.ResponseData['body']): Promise<Buffer> {
  return Buffer.from(await body.arrayBuffer());
}

const isJsonSpace = (b: number | undefined): boolean => b === 32 || b === 10 || b === 13 || b === 9;

/** `{…}` around the bytes (whitespace aside): the shape of every protocol's JSON reply. */
function looksLikeJsonObject(bytes: Buffer): boolean {
  let first = 0;
  let last = bytes.length - 1;
  while (first <= last && isJsonSpace(bytes[first])) first++;
  while (last >= first && isJsonSpace(bytes[last])) last--;
  return first < last && bytes[first] === 123 && bytes[last] === 125;
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function runAttempt(ctx: ExchangeContext, runtime: ProviderRuntime, candidate: Candidate): Promise<AttemptResult> {
  const { path, body, passthrough } = bodyFor(ctx, runtime, candidate.spec.model);
  const stream = ctx.canonical.stream;
  let secret: string | undefined;
  try {
    secret = await runtime.credentials.secret();
  } catch (e) {
    const failure = new UpstreamFailure({ class: 'auth', providerKey: candidate.providerKey, message: `no usable credential: ${(e as Error).message}` });
    return { ok: false, passthrough, failure, clientAborted: false };
  }
  // One replay after a credential refresh (OAuth 401/403).
  for (let send = 0; ; send++) {
    const timer = new AttemptTimer(candidate.providerKey, ctx.signal);
    const fail = (failure: UpstreamFailure): AttemptResult => {
      timer.dispose();
      failure.providerKey ??= candidate.providerKey;
      return { ok: false, passthrough, failure, clientAborted: ctx.signal.aborted };
    };
    timer.arm(stream ? ctx.failover.ttfbTimeoutMs : ctx.failover.nonStreamTimeoutMs, stream ? 'no first content' : 'no complete response');
    let res: Dispatcher.ResponseData;
    try {
      res = await runtime.send({ path, body, stream, signal: timer.signal, secret, forwardHeaders: ctx.forwardHeaders(runtime.spec) });
    } catch (e) {
      return fail(timer.timeoutFailure ?? failureFromThrown(e, candidate.providerKey, 'connect'));
    }
    if (res.statusCode >= 400) {
      let text = '';
      try {
        text = await readText(res.body);
      } catch (e) {
        return fail(timer.timeoutFailure ?? failureFromThrown(e, candidate.providerKey, 'body'));
      }
      const failure = runtime.codec.decodeError(res.statusCode, parseMaybeJson(text), res.headers);
      failure.providerKey = candidate.providerKey;
      if (failure.class === 'auth' && send === 0 && (await runtime.credentials.refreshAfterAuthFailure(secret))) {
        timer.dispose();
        secret = await runtime.credentials.secret();
        continue;
      }
      return fail(failure);
    }
    try {
      if (!stream) {
        const raw = await readBytes(res.body);
        timer.clear();
        // A passed-through reply nobody needs decoded is forwarded as the upstream wrote it; it is parsed
        // only when it may be an error answered with 200 (a cheap look at the bytes first: the hot path).
        const mustParse = !passthrough || ctx.needResponse || !looksLikeJsonObject(raw) || raw.includes('"error"');
        const parsed = mustParse ? parseMaybeJson(raw.toString('utf8')) : undefined;
        if (typeof parsed === 'string') {
          return fail(new UpstreamFailure({ class: 'malformed', providerKey: candidate.providerKey, message: 'upstream answered 200 with a body that is not JSON' }));
        }
        // A translated reply must decode (else it is malformed: next target).
        if (!passthrough) return { ok: true, passthrough, status: res.statusCode, reply: { kind: 'json', raw, response: runtime.codec.decodeResponse(parsed) }, timer };
        const reply: JsonReply = { kind: 'json', raw };
        // An error answered with 200 is still a failure: decoding it throws the right class.
        if (hasErrorField(parsed)) runtime.codec.decodeResponse(parsed);
        if (ctx.needResponse) {
          try {
            reply.response = runtime.codec.decodeResponse(parsed);
          } catch {
            // the client still gets the upstream's bytes; only the gateway's own view is missing
          }
        }
        return { ok: true, passthrough, status: res.statusCode, reply, timer };
      }
      return await readUntilCommit(res, runtime, candidate, timer, passthrough, fail);
    } catch (e) {
      return fail(timer.timeoutFailure ?? failureFromThrown(e, candidate.providerKey, 'body'));
    }
  }
}

async function readUntilCommit(
  res: Dispatcher.ResponseData,
  runtime: ProviderRuntime,
  candidate: Candidate,
  timer: AttemptTimer,
  passthrough: boolean,
  fail: (f: UpstreamFailure) => AttemptResult,
): Promise<AttemptResult> {
  const body = res.body as unknown as Readable;
  const parser = new SseParser();
  const decoder = runtime.codec.createStreamDecoder();
  const held: HeldFrame[] = [];
  const rest: SseEvent[] = [];
  let committed = false;
  let failed: UpstreamFailure | undefined;
  const take = (sseEvents: SseEvent[]) => {
    for (const sse of sseEvents) {
      // After the first content event, the rest belongs to the committed stream (errors included).
      if (committed) {
        rest.push(sse);
        continue;
      }
      const events = decoder.push(sse);
      const error = events.find((e) => e.type === 'error');
      if (error?.type === 'error') {
        failed = error.failure;
        return;
      }
      committed = events.some(isContentEvent);
      held.push({ raw: sse.raw, events });
    }
  };
  const read = await readBody(body, (chunk) => {
    take(parser.push(chunk));
    return failed || committed ? 'stop' : 'continue';
  });
  if (failed) return fail(failed);
  if (read.error !== undefined && !committed) throw read.error;
  const commit = (ended: boolean): AttemptResult => ({
    ok: true,
    passthrough,
    status: res.statusCode,
    reply: { kind: 'stream', held, rest, body, parser, decoder, ended },
    timer,
  });
  if (committed) return commit(read.ended);
  take(parser.end());
  if (failed) return fail(failed);
  if (committed) return commit(true);
  const tail = decoder.end();
  const error = tail.find((e) => e.type === 'error');
  if (error?.type === 'error') {
    const f = error.failure;
    return fail(
      f.class === 'stream_broken'
        ? new UpstreamFailure({ class: 'stream_broken', providerKey: candidate.providerKey, message: `stream ended before its first content event: ${f.message}` })
        : f,
    );
  }
  // A complete stream with no content (an empty reply) is a legitimate answer; its decoder has ended.
  held.push({ raw: '', events: tail });
  return commit(true);
}
