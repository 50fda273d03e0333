import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGone, makeTempWork, processGroupMembers, toolContext, waitUntil, type TempWork } from '../test-support.js';
import { defaultToolRegistry } from './registry.js';
import { killProcessGroup } from './shell.js';

const registry = defaultToolRegistry();

async function readPid(file: string): Promise<number | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  return /^\d+\n$/.test(text) ? Number(text.trim()) : undefined;
}

describe('shell tool', () => {
  let work: TempWork;
  const leaders: number[] = [];
  beforeEach(async () => {
    work = await makeTempWork();
  });
  afterEach(async () => {
    for (const pgid of leaders.splice(0)) if (pgid > 0) killProcessGroup(pgid, 'SIGKILL');
    await work.cleanup();
  });

  /** Waits for the command to write its shell pid (= its process group) and for the group to reach `size`. */
  async function groupOf(pidFile: string, size: number): Promise<number[]> {
    let pgid: number | undefined;
    await waitUntil(async () => (pgid = await readPid(pidFile)) !== undefined, 5_000, 'the pid file');
    leaders.push(pgid ?? 0);
    let members: number[] = [];
    await waitUntil(async () => (members = await processGroupMembers(pgid ?? 0)).length >= size, 5_000, `${size} processes in the group`);
    return members;
  }

  it('runs in the workspace, captures stdout and stderr, reports the exit code', async () => {
    const ctx = toolContext(work);
    const ok = await registry.execute('shell', JSON.stringify({ command: 'pwd; echo out; echo err >&2' }), ctx);
    expect(ok).toEqual({ ok: true, content: `${work.workspaceDir}\nout\nerr\n\n[exit code: 0]` });
    const failed = await registry.execute('shell', JSON.stringify({ command: 'echo $MIMIKIT_GENERATED_DIR; exit 3' }), ctx);
    expect(failed).toEqual({ ok: false, content: `${work.generatedDir}\n\n[exit code: 3]` });
    expect(await registry.execute('shell', JSON.stringify({ command: 'true' }), ctx)).toEqual({ ok: true, content: '(no output)\n[exit code: 0]' });
  });

  it('caps the output, keeping head and tail', async () => {
    const ctx = toolContext(work, { maxOutputBytes: 100 });
    const res = await registry.execute('shell', JSON.stringify({ command: 'echo BEGIN; seq 1 20000; echo END' }), ctx);
    expect(res.ok).toBe(true);
    expect(res.content.startsWith('BEGIN\n1\n2\n')).toBe(true);
    expect(res.content).toMatch(/\n… \d+ bytes omitted …\n/);
    expect(res.content).toMatch(/19999\n20000\nEND\n\n\[exit code: 0\]$/);
    expect(Buffer.byteLength(res.content)).toBeLessThan(200);
  });

  it('on timeout kills the whole group, escalating to SIGKILL when SIGTERM is ignored', async () => {
    const ctx = toolContext(work, { killGraceMs: 200 });
    const pidFile = path.join(work.workspaceDir, 'pid');
    const command = `trap '' TERM; sleep 300 & sleep 300 & echo $$ > ${pidFile}; echo started; wait`;
    const started = Date.now();
    const running = registry.execute('shell', JSON.stringify({ command, timeout_ms: 1_000 }), ctx);
    const members = await groupOf(pidFile, 3);
    const res = await running;
    expect(res.ok).toBe(false);
    expect(res.content).toBe('started\n\n[timed out after 1000 ms; process group killed]');
    expect(Date.now() - started).toBeLessThan(5_000);
    for (const pid of members) expect(await isGone(pid), `pid ${pid}`).toBe(true);
  });

  it('on abort kills the whole group at once and returns promptly', async () => {
    const controller = new AbortController();
    const ctx = toolContext(work, { killGraceMs: 60_000 }, controller.signal);
    const pidFile = path.join(work.workspaceDir, 'pid');
    const command = `trap '' TERM; sh -c 'sleep 300 & sleep 300 & wait' & echo $$ > ${pidFile}; wait`;
    const running = registry.execute('shell', JSON.stringify({ command }), ctx);
    const members = await groupOf(pidFile, 4);
    const abortedAt = Date.now();
    controller.abort();
    const res = await running;
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
    expect(res).toMatchObject({ ok: false, content: expect.stringMatching(/\[aborted: the task was stopped; process group killed\]$/) });
    await waitUntil(async () => (await Promise.all(members.map(isGone))).every(Boolean), 2_000, 'every process of the group to end');
  });

  it('kills what the command left running in the background when it exits', async () => {
    const ctx = toolContext(work);
    const pidFile = path.join(work.workspaceDir, 'bg.pid');
    const groupFile = path.join(work.workspaceDir, 'group.pid');
    const command = `sleep 300 > /dev/null 2>&1 & echo $! > ${pidFile}; echo $$ > ${groupFile}; echo done`;
    const res = await registry.execute('shell', JSON.stringify({ command }), ctx);
    leaders.push((await readPid(groupFile)) ?? 0);
    expect(res).toEqual({ ok: true, content: 'done\n\n[exit code: 0]' });
    const bg = await readPid(pidFile);
    expect(bg).toBeTypeOf('number');
    await waitUntil(() => isGone(bg ?? 0), 2_000, 'the background process to end');
  });

  it('does not run when the task is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const pidFile = path.join(work.workspaceDir, 'never');
    const res = await registry.execute('shell', JSON.stringify({ command: `echo $$ > ${pidFile}` }), toolContext(work, {}, controller.signal));
    expect(res).toEqual({ ok: false, content: 'not run: the task was aborted' });
    expect(await readPid(pidFile)).toBeUndefined();
  });
});
