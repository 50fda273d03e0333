/**
 * Reading process identities from Linux `/proc`. A pid alone does not name a process (pids are reused);
 * pid + `starttime` (field 22 of `/proc/<pid>/stat`, clock ticks since boot) + the boot id does.
 * Every reader takes the proc root so tests can point it at a fake or missing `/proc`.
 */
import { readFile, readdir } from 'node:fs/promises';

export const PROC_ROOT = '/proc';

/** The fields of `/proc/<pid>/stat` this code uses. */
export interface ProcStat {
  pid: number;
  /** `R`, `S`, `D`, `Z` (zombie: dead, not yet reaped), … */
  state: string;
  pgrp: number;
  /** Field 22: when the process started, in clock ticks since boot. */
  startTime: number;
}

/**
 * Parses one `/proc/<pid>/stat` line. The command name (field 2) is in parentheses and may itself hold
 * spaces and `)`, so the fields are counted from the LAST `)`. Undefined when the text is not a stat line.
 */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open < 1 || close < open) return undefined;
  const pid = Number(text.slice(0, open));
  // After ") ": field 3 (state) is [0], field 5 (pgrp) is [2], field 22 (starttime) is [19].
  const rest = text.slice(close + 2).trim().split(/\s+/);
  const state = rest[0];
  const pgrp = Number(rest[2]);
  const startTime = Number(rest[19]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !state || !/^[A-Za-z]$/.test(state)) return undefined;
  if (!Number.isSafeInteger(pgrp) || !Number.isSafeInteger(startTime) || startTime < 0) return undefined;
  return { pid, state, pgrp, startTime };
}

/** The stat of a process; undefined when there is no such process (or its stat cannot be read or parsed). */
export async function readProcStat(pid: number, procRoot = PROC_ROOT): Promise<ProcStat | undefined> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  let text: string;
  try {
    text = await readFile(`${procRoot}/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const stat = parseProcStat(text);
  return stat?.pid === pid ? stat : undefined;
}

/** Whether `/proc` is mounted and readable here (Linux); elsewhere identities fall back to weaker checks. */
export async function procAvailable(procRoot = PROC_ROOT): Promise<boolean> {
  return (await readProcStat(process.pid, procRoot)) !== undefined;
}

/** The process's start time (ticks since boot), or undefined without `/proc` or once it is gone. */
export async function processStartTime(pid: number, procRoot = PROC_ROOT): Promise<number | undefined> {
  return (await readProcStat(pid, procRoot))?.startTime;
}

/** The current boot's id (`/proc/sys/kernel/random/boot_id`): start times only compare within one boot. */
export async function bootId(procRoot = PROC_ROOT): Promise<string | undefined> {
  try {
    const id = (await readFile(`${procRoot}/sys/kernel/random/boot_id`, 'utf8')).trim();
    return id === '' ? undefined : id;
  } catch {
    return undefined;
  }
}

/** Pids of the live (not zombie) processes of process group `pgid`. */
export async function liveGroupMembers(pgid: number, procRoot = PROC_ROOT): Promise<number[]> {
  const names = await readdir(procRoot).catch(() => [] as string[]);
  const members: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = await readProcStat(Number(name), procRoot);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') members.push(stat.pid);
  }
  return members;
}
