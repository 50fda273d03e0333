/** `GET /health` and `GET /v1/models` (routes and targets as models, in OpenAI or Anthropic shape). */
import type { FastifyInstance } from 'fastify';
import type { Gateway } from './gateway.js';

function modelIds(gateway: Gateway): string[] {
  const ids = new Set<string>(gateway.config.routes.keys());
  for (const spec of gateway.config.providerKeys.values()) ids.add(`${spec.providerId}.${spec.model}`);
  for (const spec of gateway.config.providerKeys.values()) ids.add(spec.providerKey);
  return [...ids];
}

export function registerInfoRoutes(app: FastifyInstance, gateway: Gateway): void {
  app.get('/health', async () => ({
    status: 'ok',
    server: 'routecodex',
    version: gateway.version,
    serverId: gateway.config.serverId,
    configured: gateway.config.configured,
    ...(gateway.config.configured
      ? {}
      : { hint: 'no provider configured: set OPENAI_API_KEY, ANTHROPIC_API_KEY or GEMINI_API_KEY, or write $ROUTECODEX_HOME/config.yaml' }),
  }));

  app.get('/v1/models', async (request) => {
    const ids = modelIds(gateway);
    const created = Math.floor(Date.now() / 1000);
    if (typeof request.headers['anthropic-version'] === 'string') {
      const data = ids.map((id) => ({ type: 'model', id, display_name: id, created_at: new Date(created * 1000).toISOString() }));
      return { data, has_more: false, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
    }
    return { object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: 'routecodex' })) };
  });
}
