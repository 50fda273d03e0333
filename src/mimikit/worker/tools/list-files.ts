/** `list_files`: the entries of a directory inside the workspace or `generated/`; never follows symlinks. */
import { readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { displayPath, resolveToolPath } from './paths.js';
import { defineTool, toolError, toolOk } from './types.js';

const argsSchema = z
  .object({
    path: z.string().optional().describe('Directory to list (default: the workspace). `generated/` lists the files for the user.'),
    recursive: z.boolean().optional().describe('List subdirectories too (default false).'),
  })
  .strict();

async function collect(dir: string, prefix: string, recursive: boolean, out: string[], max: number): Promise<number> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  let skipped = 0;
  for (const entry of entries) {
    if (out.length >= max) {
      skipped += 1;
      continue;
    }
    const rel = prefix + entry.name;
    if (entry.isDirectory()) {
      out.push(`${rel}/`);
      if (recursive) skipped += await collect(path.join(dir, entry.name), `${rel}/`, true, out, max);
    } else if (entry.isSymbolicLink()) {
      const target = await readlink(path.join(dir, entry.name)).catch(() => '?');
      out.push(`${rel} -> ${target}`);
    } else {
      out.push(rel);
    }
  }
  return skipped;
}

export const listFilesTool = defineTool(
  'list_files',
  'List a directory (directories end with `/`, symlinks show their target). Relative to the workspace; `generated/` is the directory of files for the user.',
  argsSchema,
  async (args, ctx) => {
    const dir = await resolveToolPath(ctx, args.path ?? '.');
    const out: string[] = [];
    let skipped: number;
    try {
      skipped = await collect(dir, '', args.recursive ?? false, out, ctx.limits.maxListEntries);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOTDIR') return toolError(`${displayPath(ctx, dir)} is not a directory`);
      throw e;
    }
    if (out.length === 0) return toolOk(`${displayPath(ctx, dir)} is empty`);
    if (skipped > 0) out.push(`… ${skipped}+ more entries not listed`);
    return toolOk(out.join('\n'));
  },
);
