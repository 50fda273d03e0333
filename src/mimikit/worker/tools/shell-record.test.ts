/** The shell tool puts its process group on record (`tool_process`) before the command runs, and closes it (`tool_process_end`). */
import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGone, makeTempWork, processGroupMembers, toolContext, waitUntil, type TempWork } from '../test-support.js';
import { bootId, processStartTime } from './proc-stat.js';
import { killProcessGroup, runShell } from './shell.js';
import type { ToolProcessEvent } from './types.js';

const exists = (file: string) => access(file).then(() => true, () => false);

describe('shell tool: process records', () => {
  let work: TempWork;
  const leaders: number[] = [];
  beforeEach(async () => {
    work = await makeTempWork();
  });
  afterEach(async () => {
    for (const pgid of leaders.splice(0)) killProcessGroup(pgid, 'SIGKILL');
    await work.cleanup();
  });

  it('records pid, pgid, start time and command before the command runs, and the end after', async () => {
    const events: ToolProcessEvent[] = [];
    const marker = path.join(work.workspaceDir, 'ran');
    const seenAtRecord: { cmdline?: string; ran?: boolean; startTime?: number } = {};
    const progress = async (event: ToolProcessEvent) => {
      events.push(event);
      if (event.type !== 'tool_process') return;
      // The command has not run yet: the leader is still the gate, waiting for `go`.
      seenAtRecord.cmdline = await readFile(`/proc/${event.payload.pid}/cmdline`, 'utf8');
      seenAtRecord.ran = await exists(marker);
      seenAtRecord.startTime = await processStartTime(event.payload.pid);
    };
    const command = `echo $$ > ${marker}; echo done`;
    const res = await runShell(command, 10_000, toolContext(work, {}, undefined, progress));
    expect(res).toEqual({ ok: true, content: 'done\n\n[exit code: 0]' });

    const pid = Number((await readFile(marker, 'utf8')).trim());
    expect(events).toEqual([
      { type: 'tool_process', payload: { pid, pgid: pid, startTime: seenAtRecord.startTime, bootId: await bootId(), command } },
      { type: 'tool_process_end', payload: { pgid: pid } },
    ]);
    expect(seenAtRecord.startTime).toEqual(expect.any(Number));
    expect(seenAtRecord.ran).toBe(false);
    expect(seenAtRecord.cmdline).toContain('read -r gate');
    expect(seenAtRecord.cmdline).not.toMatch(/^\/bin\/sh\0-c\0echo/);
  });

  it('a group that cannot be put on record is killed without running the command', async () => {
    const marker = path.join(work.workspaceDir, 'ran');
    const events: ToolProcessEvent[] = [];
    let leader = 0;
    let gateAtRecord = '';
    const progress = async (event: ToolProcessEvent) => {
      events.push(event);
      if (event.type === 'tool_process') {
        leader = event.payload.pid;
        gateAtRecord = await readFile(`/proc/${leader}/cmdline`, 'utf8');
        throw new Error('disk full');
      }
    };
    const res = await runShell(`touch ${marker}`, 10_000, toolContext(work, {}, undefined, progress));
    expect(res).toEqual({ ok: false, content: 'not run: the process could not be put on record (disk full)' });
    expect(events.map((e) => e.type)).toEqual(['tool_process']);
    expect(gateAtRecord).toContain('read -r gate');
    await waitUntil(() => isGone(leader), 2_000, 'the unrecorded shell to end');
    expect(await exists(marker)).toBe(false);
  });

  it('aborted while the record is written: never runs; the record is closed after it was opened', async () => {
    const controller = new AbortController();
    const marker = path.join(work.workspaceDir, 'ran');
    const events: ToolProcessEvent[] = [];
    let leader = 0;
    let gateAtRecord = '';
    const progress = async (event: ToolProcessEvent) => {
      events.push(event);
      if (event.type !== 'tool_process') return;
      leader = event.payload.pid;
      gateAtRecord = await readFile(`/proc/${leader}/cmdline`, 'utf8');
      controller.abort();
    };
    const res = await runShell(`touch ${marker}`, 10_000, toolContext(work, {}, controller.signal, progress));
    expect(res.content).toMatch(/\[aborted: the task was stopped; process group killed\]$/);
    expect(events).toEqual([expect.objectContaining({ type: 'tool_process' }), { type: 'tool_process_end', payload: { pgid: leader } }]);
    expect(gateAtRecord).toContain('read -r gate');
    await waitUntil(() => isGone(leader), 2_000, 'the aborted shell to end');
    expect(await exists(marker)).toBe(false);
  });

  it('closes the record after a timeout kill and after a cancel kill, once the group is killed', async () => {
    for (const stop of ['timeout', 'abort'] as const) {
      const controller = new AbortController();
      const events: ToolProcessEvent[] = [];
      let members: number[] = [];
      const progress = async (event: ToolProcessEvent) => void events.push(event);
      const ctx = toolContext(work, { killGraceMs: 100 }, controller.signal, progress);
      const running = runShell(`sleep 300 & sleep 300 & wait`, stop === 'timeout' ? 1_000 : 60_000, ctx);
      await waitUntil(() => events.length > 0, 5_000, 'the process record');
      const record = events[0];
      if (record?.type !== 'tool_process') throw new Error(`unexpected first event ${JSON.stringify(record)}`);
      leaders.push(record.payload.pgid);
      await waitUntil(async () => (members = await processGroupMembers(record.payload.pgid)).length >= 3, 5_000, 'the group');
      if (stop === 'abort') controller.abort();
      const res = await running;
      expect(res.ok, stop).toBe(false);
      expect(events.slice(1), stop).toEqual([{ type: 'tool_process_end', payload: { pgid: record.payload.pgid } }]);
      await waitUntil(async () => (await Promise.all(members.map(isGone))).every(Boolean), 2_000, `the ${stop} kill`);
    }
  });
});
