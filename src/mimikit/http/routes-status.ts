/** `GET /api/status` (ETag) and `POST /api/input`. */
import type { FastifyInstance } from 'fastify';
import { InputRejectedError, type Runtime } from '../orchestrator/index.js';
import { sendWithEtag } from './etag.js';
import { SEQ_HEADER } from './seq-header.js';
import { HttpError } from './errors.js';
import { parseInputBody } from './input-body.js';

export interface StatusDeps {
  runtime: Runtime;
  /** What the user must set up (e.g. no model provider), shown by the WebUI as a banner. */
  setupHint?: string | undefined;
}

export function registerStatusRoutes(app: FastifyInstance, deps: StatusDeps): void {
  const { runtime } = deps;

  app.get('/api/status', (request, reply) => {
    reply.header(SEQ_HEADER, String(runtime.events.lastSeq));
    return sendWithEtag(request, reply, { ok: true, ...runtime.status(), ...(deps.setupHint ? { setupHint: deps.setupHint } : {}) });
  });

  app.post('/api/input', async (request, reply) => {
    const input = parseInputBody(request.body);
    try {
      const { id } = await runtime.addInput(input);
      return reply.header('cache-control', 'no-store').send({ id });
    } catch (e) {
      if (!(e instanceof InputRejectedError)) throw e;
      if (e.reason === 'stopping') throw new HttpError(503, 'the runtime is restarting; send again in a moment');
      throw new HttpError(400, `${e.field ?? 'body'}: ${e.message}`);
    }
  });
}
