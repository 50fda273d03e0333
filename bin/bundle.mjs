// The bundle a CLI runs: one ESM module that esbuild makes from the TypeScript sources (dependencies
// stay external), rebuilt whenever a source file or directory is newer than it. One module loads and
// runs faster than each TypeScript file through the tsx loader (~10% less CPU per gateway request).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The newest mtime of the directories and files below `dirs` (a deleted file changes its directory's). */
function newestMtime(root, dirs) {
  let newest = 0;
  const walk = (dir) => {
    newest = Math.max(newest, fs.statSync(dir).mtimeMs);
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(p);
      else newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const d of dirs) walk(path.join(root, d));
  return newest;
}

/**
 * `<root>/dist/<name>.mjs` built from `entry` when missing or older than `sourceDirs` (paths relative to
 * `root`, the project by default); returns its URL. Concurrent starts may each build: every build goes
 * to its own temp file, renamed into place.
 */
export async function ensureBundle(name, entry, sourceDirs, root = ROOT) {
  const out = path.join(root, 'dist', `${name}.mjs`);
  const builtAt = fs.statSync(out, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  if (builtAt < newestMtime(root, sourceDirs)) {
    const { build } = await import('esbuild');
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await build({
        entryPoints: [path.join(root, entry)],
        outfile: tmp,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        sourcemap: 'inline',
        logLevel: 'silent',
      });
      fs.renameSync(tmp, out);
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  return pathToFileURL(out).href;
}
