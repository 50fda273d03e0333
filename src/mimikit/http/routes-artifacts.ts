/**
 * `/artifacts/<path>`: files the workers made for the user, from `<work-dir>/generated/` ONLY. The real
 * path (symlinks resolved) must stay inside the real `generated/`; anything else is a 404. Served sandboxed
 * (`Content-Security-Policy: sandbox`): a generated HTML page cannot run script as this origin.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { contentTypeOf } from './content-types.js';
import { sendError } from './errors.js';

/** The real path of `relative` inside `root`, or undefined when it is missing, not a file, or outside. */
export async function resolveInside(root: string, relative: string): Promise<string | undefined> {
  if (relative.includes('\0')) return undefined;
  try {
    const realRoot = await fs.realpath(root);
    const real = await fs.realpath(path.resolve(realRoot, relative));
    if (!real.startsWith(realRoot + path.sep)) return undefined;
    return (await fs.stat(real)).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

export function registerArtifactRoutes(app: FastifyInstance, generatedDir: string): void {
  app.get('/artifacts/*', async (request, reply) => {
    const relative = (request.params as { '*'?: string })['*'] ?? '';
    const file = await resolveInside(generatedDir, relative);
    if (!file) return sendError(reply, 404, `artifact not found: ${relative}`);
    const body = await fs.readFile(file);
    return reply
      .headers({
        'content-type': contentTypeOf(file),
        'cache-control': 'no-cache',
        'x-content-type-options': 'nosniff',
        'content-security-policy': 'sandbox',
        'content-disposition': `inline; filename="${path.basename(file).replace(/[^\x20-\x7e]|["\\]/g, '_')}"`,
      })
      .send(body);
  });
}
