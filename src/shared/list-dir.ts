/** Listing a directory that may not exist yet (state directories are created lazily). */
import type { Dirent } from 'node:fs';
import fs from 'node:fs/promises';

const missing = (e: unknown): boolean => (e as NodeJS.ErrnoException).code === 'ENOENT';

/** The names in `dir`; none when it does not exist. Other errors are thrown. */
export async function listDir(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch (e) {
    if (missing(e)) return [];
    throw e;
  }
}

/** The entries of `dir` with their types; none when it does not exist. Other errors are thrown. */
export async function listDirEntries(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (e) {
    if (missing(e)) return [];
    throw e;
  }
}
