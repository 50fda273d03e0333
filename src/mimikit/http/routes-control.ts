/**
 * `POST /api/restart` and `POST /api/reset`: the 200 is sent FIRST; only once the response is out does the
 * runtime's owner stop it (it waits for the in-flight manager batch and persists) and start a new one
 * (a new `runtimeId`); reset also empties the work dir.
 */
import type { FastifyInstance } from 'fastify';
import type { ExitReason, Runtime } from '../orchestrator/index.js';

export function registerControlRoutes(app: FastifyInstance, runtime: Runtime): void {
  for (const reason of ['restart', 'reset'] as const satisfies readonly ExitReason[]) {
    app.post(`/api/${reason}`, (_request, reply) => {
      // 'close' fires once the response is written (or the client went away): either way, the answer came first.
      reply.raw.once('close', () => runtime.requestExit(reason));
      return reply.header('cache-control', 'no-store').send({ ok: true, action: reason, runtimeId: runtime.runtimeId });
    });
  }
}
