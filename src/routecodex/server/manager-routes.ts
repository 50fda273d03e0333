/**
 * State endpoints (auth as /v1/*): live health of every providerKey, resetting cooldowns, and a
 * session's routing state, the ManagerDaemon's modules, and /metrics. Secrets never appear here: keys
 * are named by alias, never by value.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Gateway } from './gateway.js';
import { registerMetricsRoute } from './metrics-route.js';

const resetBody = z.object({ providerKey: z.string().min(1).optional() }).strict();

export function registerManagerRoutes(app: FastifyInstance, gateway: Gateway): void {
  if (gateway.metrics) registerMetricsRoute(app, gateway.metrics);

  app.get('/manager/state/modules', async () => ({ serverId: gateway.config.serverId, modules: gateway.managerStatus?.() ?? [] }));

  app.get('/manager/state/health', async () => {
    const now = Date.now();
    const providers = [...gateway.config.providerKeys.keys()].map((providerKey) => {
      const view = gateway.health.view(providerKey);
      const rec = gateway.health.record(providerKey);
      return {
        ...view,
        ...(view.cooldownExpiresAt !== undefined ? { cooldownRemainingMs: Math.max(0, view.cooldownExpiresAt - now) } : {}),
        ...(rec?.lastFailureAt !== undefined ? { lastFailure: { at: rec.lastFailureAt, class: rec.lastFailureClass, message: rec.lastFailureMessage } } : {}),
        ...(rec?.lastSuccessAt !== undefined ? { lastSuccessAt: rec.lastSuccessAt } : {}),
      };
    });
    return { serverId: gateway.config.serverId, now, providers, restored: gateway.restoredHealth ?? [] };
  });

  app.post('/manager/state/health/reset', async (request, reply) => {
    const text = Buffer.isBuffer(request.body) ? request.body.toString('utf8') : '';
    let parsed: z.infer<typeof resetBody>;
    try {
      const result = resetBody.safeParse(text.trim() === '' ? {} : JSON.parse(text));
      if (!result.success) return reply.code(400).send({ error: { message: result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') } });
      parsed = result.data;
    } catch (e) {
      return reply.code(400).send({ error: { message: `body is not valid JSON: ${(e as Error).message}` } });
    }
    if (parsed.providerKey && !gateway.config.providerKeys.has(parsed.providerKey)) {
      return reply.code(404).send({ error: { message: `unknown providerKey "${parsed.providerKey}"` } });
    }
    return { reset: gateway.health.reset(parsed.providerKey) };
  });

  app.get<{ Params: { sessionId: string } }>('/manager/state/routing/:sessionId', async (request, reply) => {
    const state = await gateway.router.sessions.get(request.params.sessionId);
    if (!state) return reply.code(404).send({ error: { message: `no routing state for session "${request.params.sessionId}"` } });
    return { sessionId: request.params.sessionId, state };
  });
}
