/** `GET /metrics`: Prometheus text of the gateway's own registry (auth as /v1/* when keys are set). */
import type { FastifyInstance } from 'fastify';
import type { GatewayMetrics } from './metrics.js';

export function registerMetricsRoute(app: FastifyInstance, metrics: GatewayMetrics): void {
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await metrics.render();
    return reply.header('content-type', contentType).send(body);
  });
}
