/**
 * Start-up cleanup of proper-lockfile locks (`<file>.lock` directories) that a killed process left in the
 * state directory. Left alone, the first append to such a file waits for the lock to go stale (~10 s).
 *
 * Call it ONLY right after acquiring the work dir's instance lock and before anything appends. Then no
 * live process can hold one of these locks:
 * - only a runtime process takes them (JSONL appends and queue reads under `withFileLock`), and only the
 *   instance-lock holder is a runtime on this work dir;
 * - the previous holder was taken over only when its pid is gone or its heartbeat was silent for longer
 *   than the instance lock's stale time (30 s) — the heartbeat runs on the same event loop that
 *   refreshes its file locks (every 5 s), so those were already stale for proper-lockfile (10 s);
 * - this process has not appended anything yet.
 * `workspace/` and `generated/` belong to the tasks and are never touched.
 *
 * The same moment clears the temp files of atomic and exclusive writes (`.<name>.<pid>.<hex>.<tag>`)
 * that a killed writer left: readers never read them, but they would pile up across crashes.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { removeDeadWritersTemps } from '../../shared/atomic-write.js';
import type { StatePaths } from './paths.js';
import { listDirEntries } from '../../shared/list-dir.js';

/** proper-lockfile's lock of `file` is the directory `file.lock`; every locked file here is a JSONL file. */
const FILE_LOCK = /\.jsonl\.lock$/;

/** The state directories holding JSONL files that are appended under a file lock. */
export function lockedDirs(paths: StatePaths): string[] {
  return [paths.root, paths.historyDir, path.dirname(paths.inputsFile), path.dirname(paths.resultsFile), paths.tasksDir, paths.progressDir];
}

/** Removes every `*.jsonl.lock` directory in the state directories; returns them relative to the work dir. */
export async function clearStaleFileLocks(paths: StatePaths): Promise<string[]> {
  const removed: string[] = [];
  for (const dir of lockedDirs(paths)) {
    for (const entry of await listDirEntries(dir)) {
      if (!entry.isDirectory() || !FILE_LOCK.test(entry.name)) continue;
      const lock = path.join(dir, entry.name);
      await fs.rm(lock, { recursive: true, force: true });
      removed.push(paths.relative(lock));
    }
  }
  return removed;
}

/** The directories that get atomic or exclusive writes: the root, persona versions, and every dated archive and trace directory. */
async function writtenDirs(paths: StatePaths): Promise<string[]> {
  const dirs = [paths.root, paths.personaVersionsDir];
  for (const parent of [paths.tasksDir, paths.tracesDir]) {
    for (const entry of await listDirEntries(parent)) if (entry.isDirectory()) dirs.push(path.join(parent, entry.name));
  }
  return dirs;
}

/** Removes the temp files dead writers left in the state directories; returns them relative to the work dir. */
export async function clearDeadWritersTemps(paths: StatePaths): Promise<string[]> {
  const removed: string[] = [];
  // Holding the instance lock, no other live process writes here: no minimum age is needed.
  for (const dir of await writtenDirs(paths)) {
    for (const name of await removeDeadWritersTemps(dir, 0)) removed.push(paths.relative(path.join(dir, name)));
  }
  return removed;
}
