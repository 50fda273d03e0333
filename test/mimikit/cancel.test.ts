/**
 * Cancel: a pending task never starts; a running task whose shell tool runs a process tree is aborted and
 * every process of the tree is gone within 2 s (zombies count as gone: PID 1 here does not reap).
 */
import fs from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { isGone, processGroupMembers, waitUntil } from '../../src/mimikit/worker/test-support.js';
import { replyTo, startHarness, until, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function pidWithMarker(marker: string): Promise<number | undefined> {
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await fs.readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker) && cmdline.startsWith('/bin/sh')) return Number(name);
  }
  return undefined;
}

describe('cancel', () => {
  it('pending → never starts; running → its process tree is killed; the task ends canceled', async () => {
    const marker = `tree-${randomUUID()}`;
    h = await startHarness({ configure: (c) => (c.worker.maxConcurrent = 1) });
    h.script([
      { match: { contains: 'TREE-TASK' }, times: 1, reply: { toolCalls: [{ name: 'shell', arguments: { command: `sh -c 'sleep 300 & sleep 300 & wait' # ${marker}` } }] } },
      {
        match: { contains: 'RUN-TREE' },
        times: 1,
        reply: { text: 'Starting.\n<M:create_task prompt="TREE-TASK" title="Tree" profile="standard"/>\n<M:create_task prompt="SECOND-TASK" title="Second" profile="standard"/>' },
      },
      { reply: { text: 'Noted.' } },
    ]);
    const rt = await h.open();
    await rt.start();
    expect(await replyTo(rt, (await rt.addInput({ text: 'RUN-TREE' })).id)).toBe('Starting.');
    const tree = rt.tasks().find((t) => t.title === 'Tree');
    const second = rt.tasks().find((t) => t.title === 'Second');
    await until(rt, () => rt.task(tree!.id)?.status === 'running', 'the tree task to run');

    expect(await rt.cancelTask(second!.id, 'user')).toBe('canceled');
    await until(rt, () => rt.task(second!.id)?.status === 'canceled', 'the pending task to be canceled');
    expect(rt.task(second!.id)).toMatchObject({ attempts: 0, cancel: { source: 'user' } });
    expect(rt.task(second!.id)?.startedAt).toBeUndefined();

    let pgid: number | undefined;
    await waitUntil(async () => (pgid = await pidWithMarker(marker)) !== undefined && (await processGroupMembers(pgid)).length >= 4, 10_000, 'the process tree');
    const members = await processGroupMembers(pgid!);
    const canceledAt = Date.now();
    expect(await rt.cancelTask(tree!.id, 'user')).toBe('canceled');
    expect(await rt.cancelTask(tree!.id, 'user')).toBe('already_canceled');
    await waitUntil(async () => (await Promise.all(members.map(isGone))).every(Boolean), 2_000, 'every process of the tree to be gone');
    expect(Date.now() - canceledAt).toBeLessThan(2_000);
    await until(rt, () => rt.task(tree!.id)?.status === 'canceled', 'the running task to be canceled');
    expect(await rt.cancelTask(tree!.id, 'user')).toBe('already_canceled');
    expect(await rt.cancelTask('t-nope-1', 'user')).toBe('not_found');
    // Both canceled results reach the manager, which reports them.
    await until(rt, async () => (await rt.messages({ limit: 50 })).filter((m) => m.text.startsWith('Task canceled by you')).length === 2, 'the canceled results');
  });
});
