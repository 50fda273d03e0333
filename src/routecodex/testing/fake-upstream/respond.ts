/**
 * Answering one protocol request from its (optional) scripted reply: latency, connection faults, status
 * faults, count_tokens, and the success body as JSON or as a stream with its stream fault.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { buildPlan, type ReplyPlan } from './reply-plan.js';
import type { Route } from './request-info.js';
import type { FakeFault, FakeProtocol, FakeReply } from './script.js';
import { cutConnection, flushHeadersNow, MALFORMED_DATA, sleepWhileOpen, writeStream, type Framing, type StreamEnding } from './stream-writer.js';
import { WIRES, type WireFormat, type WirePayload } from './wire/index.js';

export interface ReplyJob {
  res: ServerResponse;
  route: Route;
  protocol: FakeProtocol;
  model: string;
  stream: boolean;
  body: unknown;
  bodyBytes: number;
  reply: FakeReply | undefined;
  serverLatencyMs: number;
  userText(): string;
}

const JSON_TYPE = 'application/json';
const SSE_TYPE = 'text/event-stream; charset=utf-8';
const IN_BAND_DEFAULT_STATUS = 500;

export function defaultFaultMessage(status: number): string {
  return `fake upstream fault ${status}`;
}

function withExtra(base: OutgoingHttpHeaders, ...extras: Array<Record<string, string> | undefined>): OutgoingHttpHeaders {
  for (const extra of extras) {
    if (!extra) continue;
    for (const [k, v] of Object.entries(extra)) base[k.toLowerCase()] = v;
  }
  return base;
}

type StatusFault = Extract<FakeFault, { status: number }>;

function sendStatusFault(job: ReplyJob, wire: WireFormat, fault: StatusFault): void {
  let body: string;
  let type = JSON_TYPE;
  if (fault.body === undefined) {
    const retryAfter = fault.retryAfter === undefined ? undefined : String(fault.retryAfter);
    body = JSON.stringify(wire.errorBody(fault.status, fault.message ?? defaultFaultMessage(fault.status), retryAfter));
  } else if (typeof fault.body === 'string') {
    body = fault.body;
    type = 'text/plain; charset=utf-8';
  } else {
    body = JSON.stringify(fault.body);
  }
  const headers = withExtra({ 'content-type': type }, job.reply?.headers, fault.headers);
  if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
  headers['content-length'] = Buffer.byteLength(body);
  job.res.writeHead(fault.status, headers).end(body);
}

/** The stream ending a fault asks for (event faults only). */
function endingOf(fault: FakeFault | undefined, wire: WireFormat, getPlan: () => ReplyPlan): StreamEnding {
  if (!fault) return { kind: 'complete' };
  if ('hangAfterEvents' in fault) return { kind: 'hang', after: fault.hangAfterEvents };
  if ('cutAfterEvents' in fault) return { kind: 'cut', after: fault.cutAfterEvents };
  if ('malformedAfterEvents' in fault) return { kind: 'malformed', after: fault.malformedAfterEvents };
  if ('inBandErrorAfterEvents' in fault) {
    const status = fault.status ?? IN_BAND_DEFAULT_STATUS;
    const message = fault.message ?? defaultFaultMessage(status);
    const error = (seq: number): WirePayload => wire.inBandError(getPlan(), status, message, seq);
    return { kind: 'inBand', after: fault.inBandErrorAfterEvents, status, message, error };
  }
  return { kind: 'complete' };
}

function buildJobPlan(job: ReplyJob): ReplyPlan {
  const b = job.body;
  const includeUsage =
    job.protocol === 'openai' &&
    typeof b === 'object' && b !== null && 'stream_options' in b &&
    typeof b.stream_options === 'object' && b.stream_options !== null &&
    'include_usage' in b.stream_options && b.stream_options.include_usage === true;
  return buildPlan(job.reply, {
    protocol: job.protocol,
    model: job.model,
    bodyBytes: job.bodyBytes,
    includeUsage,
    userText: () => job.userText(),
  });
}

/**
 * A non-streaming body counts as one event: with K = 0 a hang or cut happens right after the headers,
 * with K >= 1 after the (unterminated, chunked) body; malformed replaces the body with broken JSON;
 * an in-band error is the protocol's error body with status 200.
 */
async function sendJson(job: ReplyJob, wire: WireFormat, body: string, ending: StreamEnding): Promise<void> {
  const { res } = job;
  const headers = withExtra({ 'content-type': JSON_TYPE }, job.reply?.headers);
  if (ending.kind === 'complete' || ending.kind === 'malformed' || ending.kind === 'inBand') {
    let text = body;
    if (ending.kind === 'malformed') text = MALFORMED_DATA;
    else if (ending.kind === 'inBand') text = JSON.stringify(wire.errorBody(ending.status, ending.message));
    headers['content-length'] = Buffer.byteLength(text);
    res.writeHead(200, headers).end(text);
    return;
  }
  res.writeHead(200, headers);
  if (ending.after > 0) await new Promise<void>((resolve) => res.write(body, () => resolve()));
  else await flushHeadersNow(res);
  if (ending.kind === 'cut') cutConnection(res);
}

export async function respond(job: ReplyJob): Promise<void> {
  const { res, reply } = job;
  const fault = reply?.fault;
  if (fault && 'resetConnection' in fault) {
    res.socket?.resetAndDestroy();
    return;
  }
  const latency = reply?.latencyMs ?? job.serverLatencyMs;
  if (latency > 0 && !(await sleepWhileOpen(latency, res))) return;
  if (fault && 'hangBeforeHeaders' in fault) return;
  const wire = WIRES[job.protocol];
  if (fault && 'status' in fault && !('inBandErrorAfterEvents' in fault)) {
    sendStatusFault(job, wire, fault);
    return;
  }
  let memo: ReplyPlan | undefined;
  const getPlan = (): ReplyPlan => (memo ??= buildJobPlan(job));
  const ending = endingOf(fault, wire, getPlan);
  if (job.route.kind === 'count_tokens') {
    const input = reply?.usage?.input ?? Math.max(1, Math.ceil(job.bodyBytes / 4));
    await sendJson(job, wire, JSON.stringify({ input_tokens: input }), ending);
    return;
  }
  const p = getPlan();
  if (!job.stream) {
    await sendJson(job, wire, JSON.stringify(wire.json(p)), ending);
    return;
  }
  const framing: Framing = job.route.sse === false ? { kind: 'json-array' } : { kind: 'sse', lineEnd: wire.lineEnd };
  const headers = withExtra(
    { 'content-type': framing.kind === 'sse' ? SSE_TYPE : JSON_TYPE, 'cache-control': 'no-cache' },
    reply?.headers,
  );
  res.writeHead(200, headers);
  await writeStream(res, wire.events(p), framing, ending, {
    chunkDelayMs: reply?.chunkDelayMs ?? 0,
    byteChunkSize: reply?.byteChunkSize,
  });
}
