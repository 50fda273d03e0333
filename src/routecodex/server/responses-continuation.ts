/**
 * `previous_response_id` for the Responses endpoint. A known id expands into the stored conversation, so
 * any upstream can serve the continuation; only the Responses upstream that produced the response
 * (and holds it) gets the body as it came. After a success, the new response is stored.
 */
import { GatewayError, type CanonicalRequest } from '../canonical/index.js';
import type { RuntimeSpec } from '../config/resolved.js';
import type { ResponsesConversationStore } from '../conversation/responses-store.js';
import { readResponsesContinuation } from '../protocols/openai-responses/index.js';
import type { ExchangeReport } from '../router/exchange-types.js';

export interface Continuation {
  previousResponseId?: string;
  previousResponseSession?: string;
  promptCacheKey?: string;
  passthroughBody(runtime: RuntimeSpec): Record<string, unknown> | undefined;
  remember(report: ExchangeReport, sessionKey: string | undefined, now: number): void;
}

export function prepareContinuation(body: Record<string, unknown>, canonical: CanonicalRequest, store: ResponsesConversationStore): Continuation {
  const cont = readResponsesContinuation(body);
  const history = cont.previousResponseId ? store.get(cont.previousResponseId) : undefined;
  if (cont.previousResponseId && !history) {
    throw new GatewayError(
      400,
      'previous_response_not_found',
      `previous_response_id "${cont.previousResponseId}" is not known to this gateway (responses are kept in memory for responses.ttlMs); send the whole conversation as input instead`,
      'previous_response_id',
    );
  }
  const newInput = canonical.messages;
  if (history) canonical.messages = [...history.messages, ...newInput];
  const out: Continuation = {
    passthroughBody(runtime) {
      if (runtime.protocol !== 'openai-responses') return undefined;
      // The producing upstream keeps its own state; anything else needs the expanded conversation.
      if (history && !(history.upstreamHoldsState && history.runtimeKey === runtime.runtimeKey)) return undefined;
      return body;
    },
    remember(report, sessionKey, now) {
      if (cont.store === false || !report.response || report.status !== 200 || report.brokenAfterCommit) return;
      const reply = report.response;
      store.put({
        id: reply.id,
        messages: [...canonical.messages, { role: 'assistant', content: reply.content }],
        ...(report.servedBy ? { runtimeKey: report.servedBy.runtimeKey } : {}),
        // A passed-through request with store !== false left the conversation on the upstream too.
        upstreamHoldsState: report.servedBy?.passthrough === true,
        ...(sessionKey ? { sessionKey } : {}),
        createdAt: now,
      });
    },
  };
  if (cont.previousResponseId) out.previousResponseId = cont.previousResponseId;
  if (history?.sessionKey) out.previousResponseSession = history.sessionKey;
  if (cont.promptCacheKey) out.promptCacheKey = cont.promptCacheKey;
  return out;
}
