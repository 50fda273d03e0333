/**
 * A runtime process SIGKILLed while a task's shell tool runs a process tree: the tree outlives it (the
 * orphan problem). The next runtime on the same work dir kills that tree during recovery — within 2 s and
 * before the task's re-run starts its own command — and closes its record (`tool_process_end`); an
 * unrelated process whose pid a record names with another start time (a reused pid) is left alone.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { RuntimeChild } from '../../scripts/mimikit-crash/child.js';
import { ProgressStore, StatePaths } from '../../src/mimikit/storage/index.js';
import { killProcessGroup, processStartTime } from '../../src/mimikit/worker/index.js';
import { isGone, processGroupMembers, waitUntil } from '../../src/mimikit/worker/test-support.js';
import { startHarness, type Harness } from './harness.js';

const CONFIG = 'manager:\n  taskCreate:\n    debounceMs: 0\nworker:\n  retry:\n    maxAttempts: 1\n    backoffMs: 10\nidle:\n  afterMs: 3600000\n';

let h: Harness | undefined;
const children: RuntimeChild[] = [];
const groups: number[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGKILL');
    await c.exit;
  }
  for (const pgid of groups.splice(0)) killProcessGroup(pgid, 'SIGKILL');
  await h?.close();
  h = undefined;
});

/** The leader of the shell tool's group: `/bin/sh -c …` holding `marker` in its command line. */
async function leaderWithMarker(marker: string): Promise<number | undefined> {
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await fs.readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.startsWith('/bin/sh') && cmdline.includes(marker)) return Number(name);
  }
  return undefined;
}

const gone = async (pids: number[]) => Promise.all(pids.map(isGone));

interface KillLog {
  msg: string;
  taskId?: string;
  pgid?: number;
  members?: number[];
  waitedMs?: number;
}

describe('orphaned tool processes', () => {
  it('are killed at the next start-up before the interrupted task runs again; a reused pid is not', { timeout: 90_000 }, async () => {
    h = await startHarness();
    await fs.writeFile(path.join(h.workDir, 'config.yaml'), CONFIG);
    const paths = new StatePaths(h.workDir);
    const marker = `orphan-${randomUUID()}`;
    h.script([
      { match: { contains: 'ORPHAN-TASK' }, times: 1, reply: { toolCalls: [{ name: 'shell', arguments: { command: `sh -c 'sleep 300 & sleep 300 & wait' # ${marker}` } }] } },
      { match: { contains: 'RUN-ORPHAN' }, times: 1, reply: { text: 'Starting.\n<M:create_task prompt="ORPHAN-TASK" title="Orphan" profile="standard"/>' } },
      { reply: { text: 'Noted.' } },
    ]);
    const baseURL = `${h.gateway.url}/v1`;

    // 1. The first runtime starts the task; its shell runs a tree; the runtime is SIGKILLed.
    const first = new RuntimeChild(h.workDir, baseURL);
    children.push(first);
    expect(await first.started, first.stderr()).toBeDefined();
    first.send({ op: 'input', tag: 'run', text: 'RUN-ORPHAN' });
    let pgid: number | undefined;
    await waitUntil(async () => (pgid = await leaderWithMarker(marker)) !== undefined && (await processGroupMembers(pgid)).length >= 4, 20_000, 'the process tree');
    groups.push(pgid as number);
    const old = await processGroupMembers(pgid as number);
    const [taskFile] = await fs.readdir(paths.progressDir);
    const taskId = path.basename(taskFile ?? '', '.jsonl');
    const progress = new ProgressStore(paths);
    expect((await progress.readProgress(taskId)).filter((e) => e.type === 'tool_process').map((e) => e.payload.pgid)).toEqual([pgid]);
    first.kill('SIGKILL');
    await first.exit;
    // The orphan problem: the tree outlives the runtime that started it.
    expect(await gone(old)).toEqual(old.map(() => false));

    // A record naming a live, unrelated process with another start time: its pid was reused.
    const unrelated = spawn('/bin/sh', ['-c', 'sleep 300; exit 0'], { detached: true, stdio: 'ignore' });
    const unrelatedPid = unrelated.pid as number;
    groups.push(unrelatedPid);
    await waitUntil(async () => (await processStartTime(unrelatedPid)) !== undefined, 5_000, 'the unrelated process');
    const realStart = (await processStartTime(unrelatedPid)) as number;
    await progress.appendProgress(taskId, { type: 'tool_process', payload: { pid: unrelatedPid, pgid: unrelatedPid, startTime: realStart + 1, command: 'make build' } });

    // The re-run's own command reports which old processes it still sees alive (none, if they were killed first).
    const checkFile = path.join(paths.workspaceDir, `check-${marker}.txt`);
    const check = `for p in ${old.join(' ')}; do s=$(cut -d' ' -f3 /proc/$p/stat 2>/dev/null); if [ -n "$s" ] && [ "$s" != Z ]; then echo "alive $p"; fi; done > ${checkFile}; echo checked`;
    h.script([
      { match: { contains: 'ORPHAN-TASK' }, times: 1, reply: { toolCalls: [{ name: 'shell', arguments: { command: check } }] } },
      { reply: { text: 'Noted.' } },
    ]);

    // 2. The next runtime: recovery kills the old tree before it starts anything.
    const second = new RuntimeChild(h.workDir, baseURL);
    children.push(second);
    const started = await second.started;
    expect(started, second.stderr()).toMatchObject({ recovery: { interrupted: 1 } });
    expect(await gone(old)).toEqual(old.map(() => true));
    expect(await isGone(unrelatedPid)).toBe(false);

    const log = (await fs.readFile(paths.logFile, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as KillLog);
    const kills = log.filter((l) => l.msg === 'killed an orphaned tool process group at start-up');
    expect(kills).toEqual([expect.objectContaining({ taskId, pgid, members: expect.arrayContaining(old) })]);
    expect(kills[0]?.waitedMs).toBeLessThan(2_000);

    await waitUntil(async () => (await fs.readFile(checkFile, 'utf8').catch(() => undefined)) !== undefined, 20_000, 'the re-run command');
    await waitUntil(async () => (await progress.readProgress(taskId)).filter((e) => e.type === 'tool_process_end').length >= 2, 20_000, 'the re-run command to end');
    expect(await fs.readFile(checkFile, 'utf8')).toBe('');

    // The progress tells the story in order: old group on record → closed by the start-up kill → the re-run's group.
    const events = (await progress.readProgress(taskId)).filter((e) => e.type.startsWith('tool_process'));
    const at = (type: string, pred: (p: Record<string, unknown>) => boolean) => events.findIndex((e) => e.type === type && pred(e.payload));
    const oldEnd = at('tool_process_end', (p) => p.pgid === pgid);
    expect(events[oldEnd]?.payload).toEqual({ pgid, reason: 'orphan killed at start-up' });
    const rerun = at('tool_process', (p) => p.pgid !== pgid && p.pgid !== unrelatedPid);
    expect(oldEnd).toBeGreaterThan(at('tool_process', (p) => p.pgid === pgid));
    expect(rerun).toBeGreaterThan(oldEnd);
    expect(at('tool_process_end', (p) => p.pgid === unrelatedPid)).toBe(-1);

    second.kill('SIGTERM');
    expect(await second.exit).toMatchObject({ code: 0 });
  });
});
