/**
 * Replacing a file so that a crash at any point leaves either the old or the new complete file: write a
 * temp file in the same directory, fsync it, rename it over the target, fsync the directory. A temp file
 * left by a crash is never read; `removeStaleTemps` clears them (callers hold the file's lock).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../../../shared/atomic-write.js';
import { listDir } from '../../../../shared/list-dir.js';

export interface ReplaceHooks {
  /** Test hook: runs after the temp file is complete and synced, before the rename. */
  afterTempWritten?: (tempFile: string) => Promise<void>;
}

const tempPrefix = (file: string) => `.${path.basename(file)}.`;
const TEMP_TAG = 'compact.tmp';

export async function replaceFileAtomically(file: string, text: string, hooks: ReplaceHooks = {}): Promise<void> {
  await writeFileAtomic(file, text, { mode: 0o600, tempTag: TEMP_TAG, syncDir: true, ...(hooks.afterTempWritten ? { afterTempWritten: hooks.afterTempWritten } : {}) });
}

/** Deletes temp files a crashed replacement of `file` left behind; returns their names. */
export async function removeStaleTemps(file: string): Promise<string[]> {
  const dir = path.dirname(file);
  const stale = (await listDir(dir)).filter((n) => n.startsWith(tempPrefix(file)) && n.endsWith(`.${TEMP_TAG}`));
  await Promise.all(stale.map((n) => fs.rm(path.join(dir, n), { force: true })));
  return stale;
}
