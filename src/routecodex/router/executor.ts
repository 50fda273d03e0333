/**
 * The failover executor: attempts over distinct providerKeys (up to `failover.maxAttempts`), each failure
 * reported to health before the next attempt, the first success delivered to the client, and — when
 * every attempt failed — one error in the client's protocol.
 */
import { UpstreamFailure, type GatewayError } from '../canonical/index.js';
import type { EncodeContext } from '../protocols/types.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { runAttempt } from './attempt.js';
import { deliverJson, deliverStream, type DeliveryResult } from './deliver.js';
import type { AttemptRecord, CandidateSource, ClientWriter, ExchangeContext, ExchangeReport, HealthReporter } from './exchange-types.js';

export const HEADER_ROUTE = 'x-routecodex-route';
export const HEADER_PROVIDER_KEY = 'x-routecodex-provider-key';
export const HEADER_ATTEMPTS = 'x-routecodex-attempts';

export interface ExecutorDeps {
  providers: ProviderRegistry;
  health: HealthReporter;
  now?: () => number;
}

export function explainHeaders(requestId: string, route: string, providerKey: string | undefined, attempts: number): Record<string, string> {
  const h: Record<string, string> = { 'x-request-id': requestId, [HEADER_ROUTE]: route, [HEADER_ATTEMPTS]: String(attempts) };
  if (providerKey) h[HEADER_PROVIDER_KEY] = providerKey;
  return h;
}

/** Answers the client with an error in its protocol (the exchange never committed). */
export function sendError(ctx: ExchangeContext, writer: ClientWriter, error: UpstreamFailure | GatewayError, headers: Record<string, string>): number {
  const reply = ctx.inbound.encodeError(error);
  if (!writer.closed) writer.sendJson(reply.status, { 'content-type': 'application/json', ...headers, ...reply.headers }, JSON.stringify(reply.body));
  return reply.status;
}

export async function executeExchange(ctx: ExchangeContext, source: CandidateSource, writer: ClientWriter, deps: ExecutorDeps): Promise<ExchangeReport> {
  try {
    return await runExchange(ctx, source, writer, deps);
  } finally {
    source.finished?.();
  }
}

async function runExchange(ctx: ExchangeContext, source: CandidateSource, writer: ClientWriter, deps: ExecutorDeps): Promise<ExchangeReport> {
  const now = deps.now ?? Date.now;
  const started = now();
  const tried = new Set<string>();
  const attempts: AttemptRecord[] = [];
  const report = (partial: Partial<ExchangeReport> & Pick<ExchangeReport, 'status'>): ExchangeReport => ({
    requestId: ctx.requestId,
    protocol: ctx.inbound.protocol,
    route: source.route,
    stream: ctx.canonical.stream,
    attempts,
    brokenAfterCommit: false,
    clientAborted: ctx.signal.aborted,
    finishedWithoutToolCall: false,
    durationMs: now() - started,
    ...partial,
  });

  let lastFailure: UpstreamFailure | undefined;
  while (attempts.length < ctx.failover.maxAttempts && !ctx.signal.aborted) {
    const candidate = await source.next(tried);
    if (!candidate) break;
    tried.add(candidate.providerKey);
    const runtime = deps.providers.get(candidate.spec.runtimeKey);
    const attemptStart = now();
    const result = await runAttempt(ctx, runtime, candidate);
    const record: AttemptRecord = { providerKey: candidate.providerKey, startedAt: attemptStart, durationMs: now() - attemptStart, outcome: 'ok', passthrough: result.passthrough };
    attempts.push(record);

    if (!result.ok) {
      if (result.clientAborted) {
        deps.health.reportNeutral(candidate.providerKey);
        record.outcome = 'network';
        record.message = 'client disconnected';
        return report({ status: 499, clientAborted: true });
      }
      const f = result.failure;
      record.outcome = f.class;
      if (f.status !== undefined) record.status = f.status;
      record.message = f.message;
      lastFailure = f;
      source.attemptFailed?.(candidate.providerKey, f);
      // A bad request is the client's problem, not the provider's: no health penalty, no retry.
      if (!f.retryable) {
        deps.health.reportNeutral(candidate.providerKey);
        break;
      }
      deps.health.reportFailure(candidate.providerKey, f);
      continue;
    }

    record.status = result.status;
    source.attemptCommitted?.(candidate.providerKey);
    const headers = explainHeaders(ctx.requestId, source.route, candidate.providerKey, attempts.length);
    const encodeCtx: EncodeContext = {
      model: candidate.spec.model,
      responseId: ctx.responseId,
      createdAt: now(),
      streamUsage: ctx.canonical.streamUsage === true,
    };
    let delivery: DeliveryResult;
    if (result.reply.kind === 'json') {
      delivery = deliverJson(ctx, writer, result.reply, result.passthrough, encodeCtx, headers);
      result.timer.dispose();
    } else {
      delivery = await deliverStream(ctx, writer, result.reply, result.passthrough, encodeCtx, headers, result.timer, candidate.providerKey);
    }
    const acc = delivery.accumulator;
    if (delivery.failure && !ctx.signal.aborted) {
      record.outcome = delivery.failure.class;
      record.message = `after first content: ${delivery.failure.message}`;
      deps.health.reportFailure(candidate.providerKey, delivery.failure);
      source.attemptFailed?.(candidate.providerKey, delivery.failure);
    } else if (!delivery.failure) {
      deps.health.reportSuccess(candidate.providerKey);
    } else {
      deps.health.reportNeutral(candidate.providerKey);
    }
    return report({
      status: 200,
      providerKey: candidate.providerKey,
      brokenAfterCommit: delivery.failure !== undefined && !ctx.signal.aborted,
      ...(delivery.undecoded ? {} : { usage: acc.usage }),
      ...(delivery.undecoded || delivery.contentSkipped ? {} : { response: acc.toResponse() }),
      servedBy: { runtimeKey: candidate.spec.runtimeKey, passthrough: result.passthrough },
      finishedWithoutToolCall: acc.finished && !acc.hasToolCalls() && delivery.failure === undefined,
      ...(delivery.failure ? { failure: delivery.failure.toJSON() } : {}),
    });
  }

  if (ctx.signal.aborted) return report({ status: 499, clientAborted: true });
  const failure =
    lastFailure ??
    source.exhaustedReason() ??
    new UpstreamFailure({ class: 'unavailable', message: `no target available for route "${source.route}"` });
  const headers = explainHeaders(ctx.requestId, source.route, attempts.at(-1)?.providerKey, attempts.length);
  const status = sendError(ctx, writer, failure, headers);
  return report({ status, failure: failure.toJSON() });
}
