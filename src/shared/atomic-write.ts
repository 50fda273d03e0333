/**
 * Writing files so a crash never leaves a half-written one: the content goes to a temp file next to the
 * target (a unique name), is fsynced, then renamed over the target (replace) or hard-linked to a name
 * that must not exist yet (exclusive create). The one implementation of this in the project.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { pidAlive } from './process-alive.js';
import { listDir } from './list-dir.js';

/** A unique temp name next to `file`: `.<basename>.<pid>.<random>.<tag>` (a crash leaves it; readers never read it). */
export function tempPathFor(file: string, tag = 'tmp'): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.${tag}`);
}

/** `.<basename>.<pid>.<12 hex>.<tag>`: the names `tempPathFor` makes. */
const TEMP_NAME = /^\..+\.(\d+)\.[0-9a-f]{12}\.[A-Za-z.]+$/;

/**
 * Removes from `dir` the temp files of writers that died mid-write: the pid in the name is not running
 * on this host and the file is older than `minAgeMs` (a live write takes milliseconds; the age also
 * protects another host's writer on a shared filesystem, whose pid means nothing here). Returns the
 * names removed; a file that vanished meanwhile is skipped.
 */
export async function removeDeadWritersTemps(dir: string, minAgeMs = 60_000, now = Date.now()): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await listDir(dir)) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (pid === undefined || pidAlive(Number(pid))) continue;
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => undefined);
    if (!stat?.isFile() || now - stat.mtimeMs < minAgeMs) continue;
    await fs.rm(file, { force: true });
    removed.push(name);
  }
  return removed;
}

async function writeSynced(tmp: string, data: string | Uint8Array, mode: number): Promise<void> {
  const handle = await fs.open(tmp, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a rename durable. Some platforms cannot open a directory for fsync; that is not an error there. */
export async function syncDirectory(dir: string): Promise<void> {
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

export interface AtomicWriteOptions {
  /** Keep the previous content as `<file>.bak` before replacing it. */
  backup?: boolean;
  mode?: number;
  /** The temp file's last name segment (lets a caller find and clear its own leftovers). */
  tempTag?: string;
  /** Also fsync the directory, so the rename itself survives a power loss. */
  syncDir?: boolean;
  /** Test hook: runs after the temp file is complete and synced, before the rename. */
  afterTempWritten?: (tempFile: string) => Promise<void>;
}

export async function writeFileAtomic(file: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const tmp = tempPathFor(file, options.tempTag);
  try {
    await writeSynced(tmp, data, options.mode ?? 0o644);
    if (options.afterTempWritten) await options.afterTempWritten(tmp);
    if (options.backup) {
      await fs.copyFile(file, `${file}.bak`).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
    }
    await fs.rename(tmp, file);
  } catch (e) {
    await fs.rm(tmp, { force: true });
    throw e;
  }
  if (options.syncDir) await syncDirectory(dir);
}

export async function writeJsonAtomic(file: string, value: unknown, options: AtomicWriteOptions = {}): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, options);
}

export class NoFreeNameError extends Error {
  override name = 'NoFreeNameError';
}

/**
 * Writes `data` as the first of `names` (in `dir`) that does not exist yet, never replacing a file:
 * the synced temp file is hard-linked to each candidate in turn (`link` fails atomically with EEXIST),
 * so the file appears complete or not at all and two writers never pick the same name. Returns the
 * path; throws `NoFreeNameError` when every candidate is taken.
 */
export async function writeFileToFreeName(dir: string, names: Iterable<string>, data: string | Uint8Array, mode = 0o644): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  const tmp = tempPathFor(path.join(dir, 'new'), 'tmp');
  await writeSynced(tmp, data, mode);
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

/** Reads a JSON file; returns undefined when it does not exist. Parse errors propagate. */
export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
