/** File primitives of the lease locks: atomic exclusive create, atomic replace, unique side names, pid liveness. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { NoFreeNameError, tempPathFor, writeFileAtomic, writeFileToFreeName } from '../../../../shared/atomic-write.js';

export { pidAlive } from '../../../../shared/process-alive.js';

export function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** A unique side name next to `file` (a take-over's grave, a temp copy). */
export const sideName = tempPathFor;

/** Creates `file` with `text` only if it does not exist; readers see nothing or the whole text. */
export async function createExclusive(file: string, text: string): Promise<boolean> {
  try {
    await writeFileToFreeName(path.dirname(file), [path.basename(file)], text);
    return true;
  } catch (e) {
    if (e instanceof NoFreeNameError) return false;
    if (errCode(e) !== 'EPERM' && errCode(e) !== 'ENOTSUP' && errCode(e) !== 'EOPNOTSUPP') throw e;
    // No hard links on this filesystem: O_EXCL (a reader may briefly see a partial file, judged by mtime).
    return fs.writeFile(file, text, { flag: 'wx' }).then(() => true, (e2: unknown) => (errCode(e2) === 'EEXIST' ? false : Promise.reject(e2)));
  }
}

export async function replaceFile(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, text, { tempTag: 'renew' });
}
