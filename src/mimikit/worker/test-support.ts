/** Helpers for the worker's tests: temp work dirs, tool contexts, and looking at real processes. */
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_TOOL_LIMITS, type ToolContext, type ToolLimits } from './tools/types.js';
import type { WorkerDirs } from './types.js';

export interface TempWork extends WorkerDirs {
  cleanup(): Promise<void>;
}

export async function makeTempWork(): Promise<TempWork> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'mimikit-worker-'));
  const workspaceDir = path.join(workDir, 'workspace');
  const generatedDir = path.join(workDir, 'generated');
  await mkdir(workspaceDir);
  await mkdir(generatedDir);
  return { workDir, workspaceDir, generatedDir, cleanup: () => rm(workDir, { recursive: true, force: true }) };
}

export function toolContext(dirs: WorkerDirs, limits: Partial<ToolLimits> = {}, signal: AbortSignal = new AbortController().signal, progress?: ToolContext['progress']): ToolContext {
  return { ...dirs, signal, limits: { ...DEFAULT_TOOL_LIMITS, ...limits }, ...(progress ? { progress } : {}) };
}

/** `/proc/<pid>/stat` fields after the command name: state is [0], pgrp is [2]. */
async function statFields(pid: number): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Every process (zombies included) whose process group is `pgid`. */
export async function processGroupMembers(pgid: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  const members: number[] = [];
  for (const pid of pids) {
    const fields = await statFields(pid);
    if (fields && Number(fields[2]) === pgid) members.push(pid);
  }
  return members;
}

/**
 * Whether the process has ended: `kill(pid, 0)` fails with ESRCH, or it is a zombie — dead, only not
 * yet reaped (in a container whose init does not reap orphans, killed grandchildren stay zombies).
 */
export async function isGone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw e;
  }
  const fields = await statFields(pid);
  return fields === undefined || fields[0] === 'Z';
}

/** Waits for an outside condition (a process state, a file another process writes) with a deadline. */
export async function waitUntil(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A promise with its resolve function exposed. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
