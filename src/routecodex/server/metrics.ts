/**
 * Prometheus metrics of one gateway, in a registry of its own (never prom-client's global one, so two
 * gateways in one process do not mix): exchanges by inbound protocol/route/status, attempts by
 * providerKey/outcome, failovers, cooldown transitions (from the HealthTracker), latency histograms and
 * the default process metrics. Fed by `gateway.observers`; labels never carry a secret.
 */
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { ExchangeReport } from '../router/exchange-types.js';
import type { HealthTransition } from '../router/health/types.js';
import type { ExchangeObserver } from './gateway.js';

const LATENCY_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class GatewayMetrics implements ExchangeObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'protocol' | 'route' | 'status'>;
  private readonly attempts: Counter<'provider_key' | 'outcome'>;
  private readonly failovers: Counter<'protocol' | 'route'>;
  private readonly transitions: Counter<'provider_key' | 'from' | 'to'>;
  private readonly exchangeSeconds: Histogram<'protocol' | 'route'>;
  private readonly attemptSeconds: Histogram<'provider_key' | 'outcome'>;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: 'routecodex_requests_total', help: 'Client exchanges by inbound protocol, route and HTTP status', labelNames: ['protocol', 'route', 'status'], registers });
    this.attempts = new Counter({ name: 'routecodex_attempts_total', help: 'Upstream attempts by providerKey and outcome (ok or the failure class)', labelNames: ['provider_key', 'outcome'], registers });
    this.failovers = new Counter({ name: 'routecodex_failovers_total', help: 'Exchanges served after at least one failed attempt', labelNames: ['protocol', 'route'], registers });
    this.transitions = new Counter({ name: 'routecodex_cooldown_transitions_total', help: 'Health state transitions by providerKey', labelNames: ['provider_key', 'from', 'to'], registers });
    this.exchangeSeconds = new Histogram({ name: 'routecodex_exchange_duration_seconds', help: 'Duration of client exchanges', labelNames: ['protocol', 'route'], buckets: LATENCY_BUCKETS, registers });
    this.attemptSeconds = new Histogram({ name: 'routecodex_attempt_duration_seconds', help: 'Duration of upstream attempts', labelNames: ['provider_key', 'outcome'], buckets: LATENCY_BUCKETS, registers });
  }

  exchangeFinished(report: ExchangeReport): void {
    const { protocol, route } = report;
    this.requests.inc({ protocol, route, status: String(report.status) });
    this.exchangeSeconds.observe({ protocol, route }, report.durationMs / 1000);
    for (const a of report.attempts) {
      this.attempts.inc({ provider_key: a.providerKey, outcome: a.outcome });
      this.attemptSeconds.observe({ provider_key: a.providerKey, outcome: a.outcome }, a.durationMs / 1000);
    }
    if (report.providerKey !== undefined && report.attempts.some((a) => a.outcome !== 'ok')) this.failovers.inc({ protocol, route });
  }

  /** Hook for `HealthTracker.onTransition`. */
  readonly healthTransition = (t: HealthTransition): void => {
    this.transitions.inc({ provider_key: t.providerKey, from: t.from, to: t.to });
  };

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
