/** `GET /api/messages?limit=` (ETag) and `GET /api/messages/export?limit=` (markdown download). */
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../orchestrator/index.js';
import { shownMessages } from './display.js';
import { sendWithEtag } from './etag.js';
import { SEQ_HEADER } from './seq-header.js';
import { exportFileName, exportMarkdown } from './export-markdown.js';
import { LIMITS, limitOf } from './limits.js';

export function registerMessageRoutes(app: FastifyInstance, runtime: Runtime): void {
  app.get('/api/messages', async (request, reply) => {
    reply.header(SEQ_HEADER, String(runtime.events.lastSeq)); // before the read: the answer reflects at least this seq
    const messages = await shownMessages(runtime, limitOf(request.query, LIMITS.messages));
    return sendWithEtag(request, reply, { messages });
  });

  app.get('/api/messages/export', async (request, reply) => {
    const messages = await shownMessages(runtime, limitOf(request.query, LIMITS.export));
    const now = new Date();
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${exportFileName(now)}"`)
      .type('text/markdown; charset=utf-8')
      .send(exportMarkdown(messages, now));
  });
}
