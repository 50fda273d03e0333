/**
 * Claiming a work dir for one runtime process: the instance lock first (a live holder is refused, a dead
 * or silent one taken over), then — holding it, before anything appends — the file locks a previous
 * process left behind are removed (see `clearStaleFileLocks` for why none of them can be live), and so
 * are the temp files of writes it did not finish.
 */
import { acquireInstanceLock, clearDeadWritersTemps, clearStaleFileLocks, type InstanceLock, type InstanceLockOptions, type StatePaths } from '../storage/index.js';

export interface ClaimedWorkDir {
  lock: InstanceLock;
  /** The stale file locks removed, relative to the work dir (for the log). */
  clearedLocks: string[];
  /** Temp files of unfinished writes removed, relative to the work dir (for the log). */
  clearedTemps: string[];
}

export async function claimWorkDir(paths: StatePaths, options: InstanceLockOptions = {}): Promise<ClaimedWorkDir> {
  const lock = await acquireInstanceLock(paths, options);
  try {
    return { lock, clearedLocks: await clearStaleFileLocks(paths), clearedTemps: await clearDeadWritersTemps(paths) };
  } catch (e) {
    await lock.release().catch(() => undefined);
    throw e;
  }
}
