/**
 * Serialized access to a file: an in-process promise chain per key (so concurrent callers in one
 * process queue up instead of fighting over the OS lock) plus a cross-process lock via proper-lockfile.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import lockfile from 'proper-lockfile';

const chains = new Map<string, Promise<unknown>>();

export interface FileLockOptions {
  /** A lock older than this (ms without an mtime update) is considered stale and broken. */
  staleMs?: number;
  /** How long to keep retrying to get a lock another process holds. */
  waitMs?: number;
}

/** Runs `fn` while holding the in-process and cross-process lock for `target`. */
export async function withFileLock<T>(target: string, fn: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  const key = path.resolve(target);
  const previous = chains.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(() => withOsLock(key, fn, options));
  chains.set(key, run);
  try {
    return await run;
  } finally {
    if (chains.get(key) === run) chains.delete(key);
  }
}

/** Runs `fn` after every earlier in-process caller for `key` finished (no OS lock). */
export async function serialized<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = chains.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(fn);
  chains.set(key, run);
  try {
    return await run;
  } finally {
    if (chains.get(key) === run) chains.delete(key);
  }
}

async function withOsLock<T>(key: string, fn: () => Promise<T>, options: FileLockOptions): Promise<T> {
  await fs.mkdir(path.dirname(key), { recursive: true });
  const stale = options.staleMs ?? 10_000;
  const waitMs = options.waitMs ?? 15_000;
  const release = await lockfile.lock(key, {
    realpath: false,
    stale,
    update: Math.max(1_000, Math.floor(stale / 2)),
    retries: { retries: Math.ceil(waitMs / 100), factor: 1.2, minTimeout: 10, maxTimeout: 200 },
  });
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined); // compromised/removed lock: nothing left to release
  }
}
