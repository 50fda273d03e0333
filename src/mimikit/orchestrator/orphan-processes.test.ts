/** Start-up kill of recorded process groups: only confirmed ones, each closed in the task's progress and logged. */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, type Logger } from '../../shared/logger.js';
import { ProgressStore, StatePaths } from '../storage/index.js';
import { bootId, killProcessGroup, processStartTime } from '../worker/index.js';
import { isGone, processGroupMembers, waitUntil } from '../worker/test-support.js';
import { ORPHAN_KILLED_REASON, killOrphanedToolProcesses } from './orphan-processes.js';

interface LogLine {
  level: number;
  msg: string;
  taskId?: string;
  pgid?: number;
  members?: number[];
  command?: string;
  verdict?: string;
}

let root: string;
let progress: ProgressStore;
let logger: Logger;
let lines: LogLine[];
const groups: number[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'mimikit-orphans-'));
  progress = new ProgressStore(new StatePaths(root));
  lines = [];
  logger = createLogger({ name: 'test', level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) } });
});
afterEach(async () => {
  for (const pgid of groups.splice(0)) killProcessGroup(pgid, 'SIGKILL');
  await rm(root, { recursive: true, force: true });
});

/** A process group led by `/bin/sh -c <command>`, with its members. */
async function startGroup(command: string, size: number): Promise<{ pid: number; members: number[] }> {
  const child = spawn('/bin/sh', ['-c', command], { detached: true, stdio: 'ignore' });
  const pid = child.pid ?? 0;
  groups.push(pid);
  let members: number[] = [];
  await waitUntil(async () => (members = await processGroupMembers(pid)).length >= size, 5_000, `${size} processes in group ${pid}`);
  return { pid, members };
}

async function record(taskId: string, pid: number, command: string, startTime: number | undefined): Promise<void> {
  const boot = await bootId();
  await progress.appendProgress(taskId, { type: 'tool_process', payload: { pid, pgid: pid, command, ...(startTime !== undefined ? { startTime } : {}), ...(boot ? { bootId: boot } : {}) } });
}

const allGone = async (pids: number[]) => (await Promise.all(pids.map(isGone))).every(Boolean);
const allAlive = async (pids: number[]) => !(await Promise.all(pids.map(isGone))).some(Boolean);

describe('killOrphanedToolProcesses', () => {
  it('kills a confirmed group (every member), records its end and logs it', async () => {
    const command = `sh -c 'sleep 300 & sleep 300 & wait'`;
    const group = await startGroup(command, 4);
    await record('t-1', group.pid, command, await processStartTime(group.pid));

    const killed = await killOrphanedToolProcesses(['t-1', 't-without-progress'], progress, logger);
    expect(killed).toEqual([{ taskId: 't-1', pgid: group.pid, command, members: expect.arrayContaining(group.members), waitedMs: expect.any(Number) }]);
    expect(killed[0]?.waitedMs).toBeLessThan(2_000);
    expect(await allGone(group.members)).toBe(true);
    const events = await progress.readProgress('t-1');
    expect(events.map((e) => [e.type, e.payload])).toEqual([
      ['tool_process', expect.objectContaining({ pgid: group.pid })],
      ['tool_process_end', { pgid: group.pid, reason: ORPHAN_KILLED_REASON }],
    ]);
    expect(lines.find((l) => l.msg === 'killed an orphaned tool process group at start-up')).toMatchObject({ taskId: 't-1', pgid: group.pid, command });

    // Closed now: a second start-up leaves it alone.
    expect(await killOrphanedToolProcesses(['t-1'], progress, logger)).toEqual([]);
  });

  it('never kills a group it cannot confirm: a reused pid (other start time), a closed record', async () => {
    const unrelated = await startGroup('sleep 300; exit 0', 1);
    const actual = await processStartTime(unrelated.pid);
    expect(actual).toEqual(expect.any(Number));
    await record('t-reused', unrelated.pid, 'make build', (actual ?? 0) - 7);
    const closed = await startGroup('sleep 302; exit 0', 1);
    await record('t-closed', closed.pid, 'sleep 302; exit 0', await processStartTime(closed.pid));
    await progress.appendProgress('t-closed', { type: 'tool_process_end', payload: { pgid: closed.pid } });

    expect(await killOrphanedToolProcesses(['t-reused', 't-closed'], progress, logger)).toEqual([]);
    expect(await allAlive([unrelated.pid, closed.pid])).toBe(true);
    expect((await progress.readProgress('t-reused')).map((e) => e.type)).toEqual(['tool_process']);
    expect(lines.find((l) => l.taskId === 't-reused')).toMatchObject({ verdict: 'other', msg: 'recorded tool process not killed: not confirmed as ours' });
  });

  it('reports an invalid record and goes on with the valid ones', async () => {
    const group = await startGroup('sleep 303; exit 0', 1);
    await progress.appendProgress('t-2', { type: 'tool_process', payload: { pid: -1, pgid: 1, command: 'x' } });
    await record('t-2', group.pid, 'sleep 303; exit 0', await processStartTime(group.pid));
    const killed = await killOrphanedToolProcesses(['t-2'], progress, logger);
    expect(killed.map((k) => k.pgid)).toEqual([group.pid]);
    expect(await isGone(group.pid)).toBe(true);
    expect(lines.some((l) => l.msg === 'skipped an invalid process record' && l.taskId === 't-2')).toBe(true);
  });
});
