import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { loadSnapshot } from '../storage/index.js';
import { makeSnapshot, useTempWorkDirs } from '../storage/testing/fixtures.js';
import { COMPACT_MIN_PACKETS, compactQueues } from './queue-compaction.js';
import { recordingHost } from './test-host.js';
import { testEnv, userPacket } from './test-env.js';

const newPaths = useTempWorkDirs();

describe('compactQueues', () => {
  it('truncates a queue whose ≥ 100 packets are all consumed and persists its cursor at 0; the other is left alone', async () => {
    const paths = await newPaths();
    const env = await testEnv(paths);
    for (let i = 0; i < COMPACT_MIN_PACKETS; i++) await env.inputs.append(userPacket(`u-${i}`, 'x'));
    const createdAt = '2026-03-01T00:00:00.000Z';
    await env.results.append({ id: 'r-t-b1-1-1', createdAt, payload: { taskId: 't-b1-1', status: 'succeeded', ok: true, output: 'x', durationMs: 1, completedAt: createdAt, attempts: 1 } });
    const host = recordingHost(paths, makeSnapshot({ queues: { inputsCursor: COMPACT_MIN_PACKETS, resultsCursor: 1 } }));
    await compactQueues(env, host);
    expect(await fs.readFile(paths.inputsFile, 'utf8')).toBe('');
    expect((await env.results.readFrom(0)).total).toBe(1);
    expect(host.state.queues).toEqual({ inputsCursor: 0, resultsCursor: 1 });
    const saved = await loadSnapshot(paths, () => makeSnapshot());
    expect(saved.queues).toEqual({ inputsCursor: 0, resultsCursor: 1 });
  });

  it('never drops an unconsumed packet, and below 100 packets does nothing', async () => {
    const paths = await newPaths();
    const env = await testEnv(paths);
    for (let i = 0; i < COMPACT_MIN_PACKETS + 1; i++) await env.inputs.append(userPacket(`u-${i}`, 'x'));
    const unconsumed = recordingHost(paths, makeSnapshot({ queues: { inputsCursor: COMPACT_MIN_PACKETS, resultsCursor: 0 } }));
    await compactQueues(env, unconsumed);
    expect((await env.inputs.readFrom(0)).total).toBe(COMPACT_MIN_PACKETS + 1);
    expect(unconsumed.saves).toBe(0);

    await fs.writeFile(paths.inputsFile, '');
    for (let i = 0; i < 5; i++) await env.inputs.append(userPacket(`v-${i}`, 'x'));
    const few = recordingHost(paths, makeSnapshot({ queues: { inputsCursor: 5, resultsCursor: 0 } }));
    await compactQueues(env, few);
    expect((await env.inputs.readFrom(0)).total).toBe(5);
    expect(few.state.queues.inputsCursor).toBe(5);
  });
});
