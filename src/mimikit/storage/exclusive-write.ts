/**
 * Creates a file that never replaces an existing one: the content is written and fsynced to a temp file,
 * then hard-linked to the first free candidate name (`link` fails with EEXIST atomically), so the file
 * appears complete or not at all, and two writers can never pick the same name.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export class NoFreeNameError extends Error {
  override name = 'NoFreeNameError';
}

/**
 * Writes `data` under `dir` as the first name of `names` that does not exist yet; returns its absolute
 * path. Throws `NoFreeNameError` when every candidate is taken.
 */
export async function writeFileExclusive(dir: string, names: Iterable<string>, data: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
  const handle = await fs.open(tmp, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    let tried = 0;
    for (const name of names) {
      tried++;
      const target = path.join(dir, name);
      try {
        await fs.link(tmp, target);
        return target;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
    }
    throw new NoFreeNameError(`no free file name in ${dir} after ${tried} candidates`);
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

/** `base + ext`, then `base + suffix(1) + ext`, … up to `max` suffixes. */
export function* candidateNames(base: string, ext: string, suffix: (n: number) => string, max: number): Generator<string> {
  yield `${base}${ext}`;
  for (let n = 1; n <= max; n++) yield `${base}${suffix(n)}${ext}`;
}
