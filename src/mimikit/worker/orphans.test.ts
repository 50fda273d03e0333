/** Identifying and killing recorded process groups, with real processes. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { identifyToolProcess, killGroupAndWait, openToolProcesses } from './orphans.js';
import { bootId, processStartTime } from './tools/proc-stat.js';
import { killProcessGroup } from './tools/shell.js';
import type { ToolProcessRecord } from './tools/types.js';
import { isGone, processGroupMembers, waitUntil } from './test-support.js';

const groups: number[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const pgid of groups.splice(0)) killProcessGroup(pgid, 'SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** `/bin/sh -c <command>` leading its own process group, as the shell tool starts it. */
async function startGroup(command: string, size = 1): Promise<ToolProcessRecord> {
  const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: 'ignore' });
  const pid = child.pid ?? 0;
  groups.push(pid);
  await waitUntil(async () => (await processGroupMembers(pid)).length >= size, 5_000, `${size} processes in group ${pid}`);
  const startTime = await processStartTime(pid);
  const boot = await bootId();
  return { pid, pgid: pid, ...(startTime !== undefined ? { startTime } : {}), ...(boot ? { bootId: boot } : {}), command };
}

const event = (type: string, payload: Record<string, unknown>) => ({ type, payload });

describe('openToolProcesses', () => {
  it('pairs records with their ends by pgid, in order, and reports invalid ones', () => {
    const problems: string[] = [];
    const open = openToolProcesses(
      [
        event('tool_start', { name: 'shell' }),
        event('tool_process', { pid: 10, pgid: 10, startTime: 5, command: 'a' }),
        event('tool_process_end', { pgid: 10 }),
        event('tool_process', { pid: 11, pgid: 11, command: 'b' }),
        event('tool_process', { pid: 'x', pgid: 12, command: 'c' }),
        event('tool_process', { pid: 10, pgid: 10, startTime: 9, command: 'd' }), // pid 10 again, later
        event('tool_process_end', { pgid: 'nope' }),
      ],
      (p) => problems.push(p),
    );
    expect(open).toEqual([
      { pid: 11, pgid: 11, command: 'b' },
      { pid: 10, pgid: 10, startTime: 9, command: 'd' },
    ]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('#4 (tool_process): pid');
  });
});

describe('identifyToolProcess', () => {
  it('with /proc: ours only when pid, start time and boot match', async () => {
    const record = await startGroup('sleep 300');
    expect((await identifyToolProcess(record)).verdict).toBe('ours');
    expect(await identifyToolProcess({ ...record, startTime: (record.startTime ?? 0) + 1 })).toMatchObject({ verdict: 'other', detail: expect.stringContaining('reused pid') });
    expect((await identifyToolProcess({ ...record, bootId: 'another-boot' })).verdict).toBe('gone');
    killProcessGroup(record.pgid, 'SIGKILL');
    await waitUntil(() => isGone(record.pid), 2_000, 'the process to end');
    // Node reaps its child: the pid no longer exists.
    await waitUntil(async () => (await identifyToolProcess(record)).verdict === 'gone', 2_000, 'the verdict gone');
  });

  it('without /proc: the weaker check of ps (pid leads the group and runs the command)', async () => {
    const noProc = await mkdtemp(path.join(os.tmpdir(), 'mimikit-noproc-'));
    dirs.push(noProc);
    const opts = { procRoot: noProc };
    const record = await startGroup('sleep 301; exit 0');
    const { startTime: _dropped, bootId: _boot, ...weak } = record;
    expect(await identifyToolProcess(weak, opts)).toMatchObject({ verdict: 'ours', detail: expect.stringContaining('no start time') });
    // A record with a start time is still judged by ps when /proc is missing.
    expect((await identifyToolProcess(record, opts)).verdict).toBe('ours');
    expect((await identifyToolProcess({ ...weak, command: 'make build' }, opts)).verdict).toBe('other');
    expect((await identifyToolProcess({ ...weak, pgid: weak.pgid + 1 }, opts)).verdict).toBe('other');
    expect((await identifyToolProcess({ ...weak, pid: 2 ** 22 + 1, pgid: 2 ** 22 + 1 }, opts)).verdict).toBe('gone');
  });
});

describe('killGroupAndWait', () => {
  it('kills every process of the group and returns once they are gone', async () => {
    const record = await startGroup(`sh -c 'sleep 300 & sleep 300 & wait'`, 4);
    const members = await processGroupMembers(record.pgid);
    const result = await killGroupAndWait(record.pgid);
    expect(result.gone).toBe(true);
    expect(result.members.sort()).toEqual(members.sort());
    expect(result.waitedMs).toBeLessThan(2_000);
    for (const pid of members) expect(await isGone(pid), `pid ${pid}`).toBe(true);
  });

  it('without /proc it waits until the group has no member left', async () => {
    const noProc = await mkdtemp(path.join(os.tmpdir(), 'mimikit-noproc-'));
    dirs.push(noProc);
    const record = await startGroup('sleep 300');
    const result = await killGroupAndWait(record.pgid, { procRoot: noProc });
    expect(result).toMatchObject({ gone: true, members: [] });
    expect(result.waitedMs).toBeLessThan(2_000);
    expect(await isGone(record.pid)).toBe(true);
  });
});
