/**
 * Replacing a file so that a crash at any point leaves either the old or the new complete file: write a
 * temp file in the same directory, fsync it, rename it over the target, fsync the directory. A temp file
 * left by a crash is never read; `removeStaleTemps` clears them (callers hold the file's lock).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

export interface ReplaceHooks {
  /** Test hook: runs after the temp file is complete and synced, before the rename. */
  afterTempWritten?: (tempFile: string) => Promise<void>;
}

const tempPrefix = (file: string) => `.${path.basename(file)}.`;
const TEMP_SUFFIX = '.compact.tmp';

export async function replaceFileAtomically(file: string, text: string, hooks: ReplaceHooks = {}): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `${tempPrefix(file)}${process.pid}.${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`);
  try {
    const handle = await fs.open(tmp, 'w', 0o600);
    try {
      await handle.writeFile(text);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (hooks.afterTempWritten) await hooks.afterTempWritten(tmp);
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  await syncDirectory(dir);
}

/** Makes a rename durable. Some platforms cannot open a directory for fsync; that is not an error there. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL' && code !== 'EBADF') throw e;
  } finally {
    await handle?.close();
  }
}

/** Deletes temp files a crashed replacement of `file` left behind; returns their names. */
export async function removeStaleTemps(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const stale = names.filter((n) => n.startsWith(tempPrefix(file)) && n.endsWith(TEMP_SUFFIX));
  await Promise.all(stale.map((n) => fs.rm(path.join(dir, n), { force: true })));
  return stale;
}
