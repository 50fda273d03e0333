import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../storage/index.js';
import { makeSnapshot, makeTask, useTempWorkDirs } from '../storage/testing/fixtures.js';
import { commitBatch } from './commit.js';
import { recordingHost } from './test-host.js';
import { testEnv, userPacket } from './test-env.js';
import type { Batch } from './types.js';

const newPaths = useTempWorkDirs();
const completedAt = '2026-03-01T00:30:00.000Z';

function batch(): Batch {
  return {
    id: 'b2', number: 2, inputsEnd: 3, resultsEnd: 1, wake: ['user_input', 'task_result'],
    inputs: [userPacket('u-1', 'hello')],
    results: [{ id: 'r-t-b1-1-1', createdAt: completedAt, payload: { taskId: 't-b1-1', status: 'succeeded', ok: true, output: 'found it', durationMs: 5, completedAt, attempts: 1, title: 'Search' } }],
  };
}

describe('commitBatch', () => {
  it('one history append with the reply LAST, then actions, then the snapshot; effects returned', async () => {
    const paths = await newPaths();
    const env = await testEnv(paths);
    const host = recordingHost(paths, makeSnapshot({ managerTurn: 1, lastBatchId: 'b1', tasks: [makeTask({ id: 't-b1-1', status: 'succeeded', title: 'Search' })] }));
    const effects = await commitBatch(env, host, {
      batch: batch(),
      outcome: { text: 'Here it is.', actions: [], rounds: 1, streamId: 'b2-1', usage: { input: 10, output: 2, total: 12 } },
      planned: { record: [{ name: 'create_task', attrs: { prompt: 'More', title: 'More', profile: 'standard' } }], debounceKeys: [], dropped: [] },
      elapsedMs: 1234,
      timeZone: 'Asia/Tokyo',
    });
    const [day] = await fs.readdir(paths.historyDir);
    const lines = (await fs.readFile(`${paths.historyDir}/${day}`, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { id: string; batch?: unknown });
    expect(lines.map((l) => l.id)).toEqual(['u-1', 'sys-result-r-t-b1-1-1', 'agent-b2', 'sys-b2-1-created']);
    expect(lines[2]).toMatchObject({ role: 'agent', text: 'Here it is.', elapsedMs: 1234, usage: { total: 12 }, batch: { id: 'b2', inputIds: ['u-1'], resultIds: ['r-t-b1-1-1'], timeZone: 'Asia/Tokyo' } });
    expect(effects).toEqual([{ kind: 'start_task', taskId: 't-b2-1' }]);
    expect(host.streams).toEqual([{ kind: 'end', id: 'b2-1', reason: 'committed', messageId: 'agent-b2' }]);
    expect([...host.consumed]).toEqual(['u-1', 'r-t-b1-1-1']);
    const saved = await loadSnapshot(paths, () => makeSnapshot());
    expect(saved).toMatchObject({ managerTurn: 2, lastBatchId: 'b2', queues: { inputsCursor: 3, resultsCursor: 1 } });
    expect(saved.tasks.map((t) => t.id)).toEqual(['t-b1-1', 't-b2-1']);
  });

  it('no visible text: the fallback line when the user expects an answer, never their own words', async () => {
    const paths = await newPaths();
    const env = await testEnv(paths);
    const host = recordingHost(paths, makeSnapshot());
    await commitBatch(env, host, { batch: batch(), outcome: { text: '  ', actions: [], rounds: 1, streamId: 's' }, planned: { record: [], debounceKeys: [], dropped: [] }, elapsedMs: 0 });
    const reply = host.messages.find((m) => m.id === 'agent-b2');
    expect(reply?.text).toBe('Got it.');
    expect(reply?.text).not.toContain('hello');
  });
});
