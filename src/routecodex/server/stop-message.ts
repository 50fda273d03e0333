/**
 * stopMessage auto-continue (`<**stopMessage:"text",N**>`): while the session has repeats left, the
 * exchange runs buffered; a reply that finishes without a tool call gets `text` as the next user turn,
 * routed again like any request and counted in the session. The client receives every turn's content
 * in one response (turns joined in order, usage summed). A failed follow-up ends the loop; the client
 * still gets the turns that succeeded.
 */
import { addUsage, responseToEvents, type CanonicalResponse, type InboundProtocolId } from '../canonical/index.js';
import type { IncomingHttpHeaders } from 'node:http';
import type { EncodeContext } from '../protocols/types.js';
import { executeExchange } from '../router/executor.js';
import type { ClientWriter, ExchangeContext, ExchangeReport } from '../router/exchange-types.js';
import type { PlannedRequest } from '../router/router.js';
import { CapturingWriter } from './capturing-writer.js';
import type { StopMessageState } from '../router/session/state.js';
import type { Gateway } from './gateway.js';

export const HEADER_STOP_MESSAGE_TURNS = 'x-routecodex-stop-message-turns';

export function stopMessageActive(planned: PlannedRequest): boolean {
  const sm = planned.session?.stopMessage;
  return sm !== undefined && sm.used < sm.maxRepeats;
}

function combine(responses: CanonicalResponse[]): CanonicalResponse {
  const last = responses[responses.length - 1]!;
  return {
    ...responses[0]!,
    content: responses.flatMap((r) => r.content),
    stopReason: last.stopReason,
    usage: responses.slice(1).reduce((u, r) => addUsage(u, r.usage), responses[0]!.usage),
  };
}

export async function runWithStopMessage(
  gateway: Gateway,
  protocol: InboundProtocolId,
  headers: IncomingHttpHeaders,
  sessionKey: string,
  first: PlannedRequest,
  baseCtx: ExchangeContext,
  writer: ClientWriter,
): Promise<ExchangeReport> {
  let ctx: ExchangeContext = { ...baseCtx, canonical: first.canonical };
  let plan = first.plan;
  const responses: CanonicalResponse[] = [];
  let last: { report: ExchangeReport; capture: CapturingWriter } | undefined;
  for (;;) {
    const capture = new CapturingWriter(writer);
    const report = await executeExchange(ctx, plan, capture, { providers: gateway.providers, health: gateway.health });
    if (report.status !== 200 || !report.response || report.brokenAfterCommit) {
      if (responses.length === 0) {
        await capture.replay();
        return report;
      }
      break;
    }
    responses.push(report.response);
    last = { report, capture };
    if (!report.finishedWithoutToolCall || writer.closed) break;
    const now = Date.now();
    // Take one repeat atomically: the count is never lost to a concurrent write of the session.
    let sm: StopMessageState | undefined;
    await gateway.router.sessions.update(sessionKey, (state) => {
      const current = state?.stopMessage;
      if (!state || !current || current.used >= current.maxRepeats) return state;
      sm = current;
      return { ...state, stopMessage: { ...current, used: current.used + 1, lastUsedAt: now }, updatedAt: now };
    });
    if (!sm) break;
    const followUp = {
      ...ctx.canonical,
      messages: [...ctx.canonical.messages, { role: 'assistant' as const, content: report.response.content }, { role: 'user' as const, content: [{ type: 'text' as const, text: sm.text }] }],
    };
    const planned = await gateway.router.plan({ protocol, canonical: followUp, headers, sessionKey });
    plan = planned.plan;
    // The follow-up body is the gateway's own: always encoded from the canonical request.
    ctx = { ...ctx, canonical: planned.canonical, passthroughBody: () => undefined };
  }
  const combined = combine(responses);
  const encodeCtx: EncodeContext = { model: combined.model, responseId: combined.id, createdAt: Date.now(), streamUsage: ctx.canonical.streamUsage === true };
  const replyHeaders: Record<string, string> = { ...last!.capture.headers, [HEADER_STOP_MESSAGE_TURNS]: String(responses.length) };
  delete replyHeaders['content-length'];
  if (ctx.canonical.stream) {
    writer.startStream({ ...replyHeaders, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    const encoder = baseCtx.inbound.createStreamEncoder(encodeCtx);
    let out = '';
    for (const e of responseToEvents(combined)) out += encoder.encode(e);
    if (!writer.write(out)) await writer.drained();
    writer.end();
  } else {
    writer.sendJson(200, { ...replyHeaders, 'content-type': 'application/json' }, JSON.stringify(baseCtx.inbound.encodeResponse(combined, encodeCtx)));
  }
  return { ...last!.report, response: combined, usage: combined.usage };
}
