/** File primitives of the lease locks: atomic exclusive create, atomic replace, unique side names, pid liveness. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/** `process.kill(pid, 0)`: ESRCH → dead; EPERM → alive (another user's process). */
export function pidAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function errCode(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

export function sideName(file: string, tag: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.${tag}`);
}

/** Creates `file` with `text` only if it does not exist; readers see nothing or the whole text. */
export async function createExclusive(file: string, text: string): Promise<boolean> {
  const tmp = sideName(file, 'new');
  await fs.writeFile(tmp, text, { flag: 'wx' });
  try {
    await fs.link(tmp, file);
    return true;
  } catch (e) {
    if (errCode(e) === 'EEXIST') return false;
    if (errCode(e) !== 'EPERM' && errCode(e) !== 'ENOTSUP' && errCode(e) !== 'EOPNOTSUPP') throw e;
    // No hard links on this filesystem: O_EXCL (a reader may briefly see a partial file, judged by mtime).
    return fs.writeFile(file, text, { flag: 'wx' }).then(() => true, (e2: unknown) => (errCode(e2) === 'EEXIST' ? false : Promise.reject(e2)));
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

export async function replaceFile(file: string, text: string): Promise<void> {
  const tmp = sideName(file, 'renew');
  await fs.writeFile(tmp, text, { flag: 'wx' });
  try {
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
}

