/**
 * Prometheus metrics of one gateway, owned by it (never prom-client's global registry, so two gateways in
 * one process do not mix): exchanges by inbound protocol/route/status, attempts by providerKey/outcome,
 * failovers, cooldown transitions (from the HealthTracker) and latency histograms, as hot-path families
 * (metric-families.ts), then the default process metrics from prom-client. Fed by `gateway.observers`;
 * labels never carry a secret.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import type { ExchangeReport } from '../router/exchange-types.js';
import type { HealthTransition } from '../router/health/types.js';
import type { ExchangeObserver } from './gateway.js';
import { HotCounter, HotHistogram } from './metric-families.js';

const LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class GatewayMetrics implements ExchangeObserver {
  /** The process metrics (prom-client's default collectors); the gateway's own families are below. */
  readonly registry = new Registry();
  private readonly requests = new HotCounter('routecodex_requests_total', 'Client exchanges by inbound protocol, route and HTTP status', ['protocol', 'route', 'status']);
  private readonly attempts = new HotCounter('routecodex_attempts_total', 'Upstream attempts by providerKey and outcome (ok or the failure class)', ['provider_key', 'outcome']);
  private readonly failovers = new HotCounter('routecodex_failovers_total', 'Exchanges served after at least one failed attempt', ['protocol', 'route']);
  private readonly transitions = new HotCounter('routecodex_cooldown_transitions_total', 'Health state transitions by providerKey', ['provider_key', 'from', 'to']);
  private readonly exchangeSeconds = new HotHistogram('routecodex_exchange_duration_seconds', 'Duration of client exchanges', ['protocol', 'route'], LATENCY_BUCKETS);
  private readonly attemptSeconds = new HotHistogram('routecodex_attempt_duration_seconds', 'Duration of upstream attempts', ['provider_key', 'outcome'], LATENCY_BUCKETS);

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  exchangeFinished(report: ExchangeReport): void {
    const { protocol, route } = report;
    this.requests.inc([protocol, route, String(report.status)]);
    this.exchangeSeconds.observe([protocol, route], report.durationMs / 1000);
    let failedBefore = false;
    for (const a of report.attempts) {
      this.attempts.inc([a.providerKey, a.outcome]);
      this.attemptSeconds.observe([a.providerKey, a.outcome], a.durationMs / 1000);
      if (a.outcome !== 'ok') failedBefore = true;
    }
    if (report.providerKey !== undefined && failedBefore) this.failovers.inc([protocol, route]);
  }

  /** Hook for `HealthTracker.onTransition`. */
  readonly healthTransition = (t: HealthTransition): void => {
    this.transitions.inc([t.providerKey, t.from, t.to]);
  };

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    const own = [this.requests, this.attempts, this.failovers, this.transitions, this.exchangeSeconds, this.attemptSeconds].map((f) => f.render()).join('\n');
    return { contentType: this.registry.contentType, body: `${own}\n${await this.registry.metrics()}` };
  }
}
