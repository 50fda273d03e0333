/**
 * Confinement of file tools to `workspace/` and `generated/`: a path is checked after symlink
 * resolution (the realpath of its nearest existing ancestor), so `..` escapes, absolute paths
 * elsewhere and symlinks pointing out are all refused.
 */
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { ToolFailure, type ToolContext } from './types.js';

const GENERATED_PREFIX = 'generated';

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

async function realpathOfNearestExisting(p: string): Promise<string> {
  const missing: string[] = [];
  let current = p;
  for (;;) {
    try {
      const real = await realpath(current);
      return missing.length > 0 ? path.join(real, ...missing.reverse()) : real;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = path.dirname(current);
      if (parent === current) return p;
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Resolves a tool's path argument to an absolute path inside the workspace or `generated/`.
 * Relative paths are taken from the workspace, except `generated/…`, which names the generated
 * directory. Throws a `ToolFailure` naming the path when it is outside both.
 */
export async function resolveToolPath(ctx: Pick<ToolContext, 'workspaceDir' | 'generatedDir'>, input: string): Promise<string> {
  if (input.trim() === '') throw new ToolFailure('the path is empty');
  if (input.includes('\0')) throw new ToolFailure('the path contains a NUL character');
  const segments = input.split(/[\\/]+/);
  const absolute = path.isAbsolute(input)
    ? path.resolve(input)
    : segments[0] === GENERATED_PREFIX
      ? path.resolve(ctx.generatedDir, ...segments.slice(1))
      : path.resolve(ctx.workspaceDir, input);
  const real = await realpathOfNearestExisting(absolute);
  const roots = await Promise.all([ctx.workspaceDir, ctx.generatedDir].map((r) => realpathOfNearestExisting(path.resolve(r))));
  if (!roots.some((root) => isInside(root, real))) {
    const via = real === absolute ? '' : ` (it resolves to ${real})`;
    throw new ToolFailure(`path ${input} is outside the workspace and generated/${via}; only ${ctx.workspaceDir} and ${ctx.generatedDir} are allowed`);
  }
  return absolute;
}

/** A path as the model should see it: relative to the workspace, or `generated/…`. */
export function displayPath(ctx: Pick<ToolContext, 'workspaceDir' | 'generatedDir'>, absolute: string): string {
  if (isInside(ctx.generatedDir, absolute)) {
    const rel = path.relative(ctx.generatedDir, absolute);
    return rel === '' ? `${GENERATED_PREFIX}/` : `${GENERATED_PREFIX}/${rel}`;
  }
  if (isInside(ctx.workspaceDir, absolute)) return path.relative(ctx.workspaceDir, absolute) || '.';
  return absolute;
}
