/** `reset`: empties the work dir, refusing a filesystem root or the home directory. The instance lock file stays (released after). */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export class ResetRefusedError extends Error {
  override name = 'ResetRefusedError';
}

export async function emptyWorkDir(workDir: string, keep: readonly string[] = []): Promise<void> {
  const dir = path.resolve(workDir);
  const real = await fs.realpath(dir).catch(() => dir);
  const forbidden = new Set([path.parse(real).root, path.resolve(os.homedir()), await fs.realpath(os.homedir()).catch(() => os.homedir())]);
  if (forbidden.has(real) || forbidden.has(dir)) throw new ResetRefusedError(`refusing to empty ${dir}: it is a filesystem root or the home directory`);
  const kept = new Set(keep.map((k) => path.resolve(k)));
  for (const name of await fs.readdir(dir)) {
    const entry = path.join(dir, name);
    if (kept.has(entry)) continue;
    await fs.rm(entry, { recursive: true, force: true });
  }
}
