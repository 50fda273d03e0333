/** `GET /api/tasks?limit=`, `GET /api/tasks/:id/archive`, `GET /api/tasks/:id/progress`, `POST /api/tasks/:id/cancel`. */
import type { FastifyInstance } from 'fastify';
import type { CancelResult, Runtime } from '../orchestrator/index.js';
import { HttpError } from './errors.js';
import { LIMITS, limitOf } from './limits.js';
import { SEQ_HEADER } from './seq-header.js';
import { knownTask, orNotFound, validTaskId } from './task-id.js';

const CANCEL_FAILURES: Record<Exclude<CancelResult, 'canceled'>, [number, string]> = {
  not_found: [404, 'not_found'],
  already_done: [409, 'already_done'],
  already_canceled: [409, 'already_canceled'],
};

export function registerTaskRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get('/api/tasks', (request, reply) => {
    const tasks = runtime.tasks({ limit: limitOf(request.query, LIMITS.tasks) });
    return reply.header('cache-control', 'no-store').header(SEQ_HEADER, String(runtime.events.lastSeq)).send({ tasks, counts: runtime.status().tasks });
  });

  app.get('/api/tasks/:id/archive', async (request, reply) => {
    const id = validTaskId(request.params);
    const text = orNotFound(await runtime.taskArchive(id), id);
    return reply.header('cache-control', 'no-store').type('text/markdown; charset=utf-8').send(text);
  });

  app.get('/api/tasks/:id/progress', async (request, reply) => {
    const id = validTaskId(request.params);
    const events = orNotFound(await runtime.taskProgress(id), id);
    return reply.header('cache-control', 'no-store').send({ taskId: id, events });
  });

  app.post('/api/tasks/:id/cancel', async (request, reply) => {
    const task = knownTask(runtime, request.params);
    const result = await runtime.cancelTask(task.id, 'user');
    if (result !== 'canceled') {
      const [status, error] = CANCEL_FAILURES[result];
      throw new HttpError(status, error);
    }
    return reply.header('cache-control', 'no-store').send({ ok: true, status: 'canceled', taskId: task.id });
  });
}
