import { describe, expect, it } from 'vitest';
import { makeSnapshot, useTempWorkDirs } from '../storage/testing/fixtures.js';
import { selectBatch } from './batch-select.js';
import { recordingHost } from './test-host.js';
import { testEnv, userPacket } from './test-env.js';

const newPaths = useTempWorkDirs();

describe('selectBatch', () => {
  it('takes every input and result past the cursors, each id once, minus the answered ones', async () => {
    const paths = await newPaths();
    const env = await testEnv(paths);
    for (const id of ['u-1', 'u-2', 'u-3', 'u-2', 'u-4']) await env.inputs.append(userPacket(id, `text ${id}`));
    const createdAt = '2026-03-01T00:00:00.000Z';
    await env.results.append({ id: 'r-t-b1-1-1', createdAt, payload: { taskId: 't-b1-1', status: 'succeeded', ok: true, output: 'x', durationMs: 1, completedAt: createdAt, attempts: 1 } });
    const host = recordingHost(paths, makeSnapshot({ managerTurn: 4, queues: { inputsCursor: 1, resultsCursor: 0 } }));
    host.consumed.add('u-3');
    const batch = await selectBatch(env, host);
    expect(batch).toMatchObject({ id: 'b5', number: 5, inputsEnd: 5, resultsEnd: 1, wake: ['user_input', 'task_result'] });
    expect(batch?.inputs.map((p) => p.id)).toEqual(['u-2', 'u-4']);
    expect(batch?.results.map((p) => p.id)).toEqual(['r-t-b1-1-1']);
  });

  it('nothing new: no batch; cursors over answered duplicates advance and are saved', async () => {
    const paths = await newPaths();
    const env = await testEnv(paths);
    for (const id of ['u-1', 'u-1']) await env.inputs.append(userPacket(id, 'x'));
    const host = recordingHost(paths, makeSnapshot({ queues: { inputsCursor: 1, resultsCursor: 0 } }));
    host.consumed.add('u-1');
    expect(await selectBatch(env, host)).toBeUndefined();
    expect(host.state.queues).toEqual({ inputsCursor: 2, resultsCursor: 0 });
    expect(host.saves).toBe(1);
    expect(await selectBatch(env, host)).toBeUndefined();
    expect(host.saves).toBe(1);
  });

  it('a cursor past the end (compacted before the cursor was saved) starts again at 0', async () => {
    const paths = await newPaths();
    const env = await testEnv(paths);
    await env.inputs.append(userPacket('u-new', 'x'));
    const host = recordingHost(paths, makeSnapshot({ queues: { inputsCursor: 120, resultsCursor: 0 } }));
    expect((await selectBatch(env, host))?.inputs.map((p) => p.id)).toEqual(['u-new']);
  });
});
