import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootId, liveGroupMembers, parseProcStat, procAvailable, processStartTime, readProcStat } from './proc-stat.js';

/** A stat line as the kernel writes it (52 fields); `comm` may hold spaces and parentheses. */
function statLine(pid: number, comm: string, state: string, pgrp: number, startTime: number): string {
  const after = [state, '1', String(pgrp), String(pgrp), '0', '-1', '4194560', '100', '0', '0', '0', '1', '2', '0', '0', '20', '0', '1', '0', String(startTime)];
  return `${pid} (${comm}) ${[...after, ...Array.from({ length: 32 }, () => '0')].join(' ')}\n`;
}

describe('parseProcStat', () => {
  it('reads state, pgrp and starttime (field 22), counting fields from the last ")"', () => {
    expect(parseProcStat(statLine(4242, 'sleep', 'S', 4240, 987654))).toEqual({ pid: 4242, state: 'S', pgrp: 4240, startTime: 987654 });
    // A command name made to look like fields: `x) R 1 99 99 … (`.
    expect(parseProcStat(statLine(7, 'a) R 1 99 (b', 'Z', 5, 12))).toEqual({ pid: 7, state: 'Z', pgrp: 5, startTime: 12 });
  });

  it('refuses what is not a stat line', () => {
    expect(parseProcStat('')).toBeUndefined();
    expect(parseProcStat('hello world')).toBeUndefined();
    expect(parseProcStat('12 (sh) S 1 12')).toBeUndefined(); // cut short before field 22
    expect(parseProcStat(statLine(12, 'sh', 'S', 12, 777).replace(' 777 ', ' -5 '))).toBeUndefined();
    expect(parseProcStat(statLine(0, 'sh', 'S', 12, 100))).toBeUndefined();
  });
});

describe('reading /proc', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'mimikit-proc-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function fakeProcess(pid: number, stat: string): Promise<void> {
    await mkdir(path.join(root, String(pid)), { recursive: true });
    await writeFile(path.join(root, String(pid), 'stat'), stat);
  }

  it('reads the real /proc: this process, a child started now, a pid that does not exist', async () => {
    expect(await procAvailable()).toBe(true);
    const own = await readProcStat(process.pid);
    expect(own).toMatchObject({ pid: process.pid, state: expect.stringMatching(/^[A-Z]$/) });
    const raw = await readFile(`/proc/${process.pid}/stat`, 'utf8');
    expect(own?.startTime).toBe(Number(raw.slice(raw.lastIndexOf(')') + 2).split(' ')[19]));

    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      const started = await processStartTime(child.pid ?? 0);
      expect(started).toBeGreaterThanOrEqual(own?.startTime ?? Infinity); // started after this process
    } finally {
      child.kill('SIGKILL');
    }
    expect(await readProcStat(2 ** 22 + 1)).toBeUndefined(); // above pid_max
    expect(await bootId()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a fake /proc: stats, live group members (zombies excluded), no /proc at all', async () => {
    await fakeProcess(process.pid, statLine(process.pid, 'node', 'R', process.pid, 50));
    await fakeProcess(100, statLine(100, 'sh', 'S', 100, 500));
    await fakeProcess(101, statLine(101, 'sleep', 'S', 100, 501));
    await fakeProcess(102, statLine(102, 'sleep', 'Z', 100, 502));
    await fakeProcess(103, statLine(103, 'other', 'S', 103, 503));
    await fakeProcess(104, 'garbage');
    await mkdir(path.join(root, 'sys/kernel/random'), { recursive: true });
    await writeFile(path.join(root, 'sys/kernel/random/boot_id'), 'boot-a\n');

    expect(await procAvailable(root)).toBe(true);
    expect(await readProcStat(101, root)).toEqual({ pid: 101, state: 'S', pgrp: 100, startTime: 501 });
    expect(await readProcStat(104, root)).toBeUndefined();
    expect(await readProcStat(105, root)).toBeUndefined();
    expect(await processStartTime(100, root)).toBe(500);
    expect((await liveGroupMembers(100, root)).sort()).toEqual([100, 101]);
    expect(await bootId(root)).toBe('boot-a');

    const missing = path.join(root, 'nothing-here');
    expect(await procAvailable(missing)).toBe(false);
    expect(await processStartTime(process.pid, missing)).toBeUndefined();
    expect(await liveGroupMembers(100, missing)).toEqual([]);
    expect(await bootId(missing)).toBeUndefined();
  });
});
