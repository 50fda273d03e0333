import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/logger.js';
import { HistoryStore, ProgressStore, TaskArchiveStore } from '../storage/index.js';
import { makeMessage, makeSnapshot, makeTask, useTempWorkDirs } from '../storage/testing/fixtures.js';
import { ReadModel } from './read-model.js';
import { RuntimeState } from './state.js';

const newPaths = useTempWorkDirs();
const now = Date.parse('2026-03-01T12:00:00.000Z');

async function model(snapshot = makeSnapshot()) {
  const paths = await newPaths();
  await paths.ensureLayout();
  const state = new RuntimeState(paths, snapshot, silentLogger(), () => now);
  const history = new HistoryStore(paths);
  const read = new ReadModel({ state, history, archives: new TaskArchiveStore(paths), progress: new ProgressStore(paths), runtimeId: 'rt-1', startedAt: 'x', maxWorkers: 3, now: () => now });
  return { state, history, read };
}

describe('ReadModel', () => {
  it('messages: what the user may see, newest last, then the inputs not answered yet (each id once)', async () => {
    const { state, history, read } = await model();
    await history.appendBatch(
      [
        makeMessage('u-1', { text: 'hi' }),
        makeMessage('sys-agent-only', { role: 'system', visibility: 'agent', text: 'for the manager' }),
        makeMessage('agent-b1', { role: 'agent', text: 'hello', batch: { id: 'b1', inputIds: ['u-1'], resultIds: [], actions: [] } }),
        makeMessage('agent-b2', { role: 'agent', text: '', batch: { id: 'b2', inputIds: [], resultIds: [], actions: [] } }),
        makeMessage('sys-user', { role: 'system', visibility: 'user', text: 'Task done · X' }),
      ],
      new Date(now),
    );
    state.addPending({ id: 'u-2', role: 'user', text: 'pending one', createdAt: '2026-03-01T11:00:00.000Z', wake: 'user_input' });
    state.addPending({ id: 'u-1', role: 'user', text: 'hi', createdAt: '2024-05-01T10:00:00.000Z', wake: 'user_input' });
    state.consumed.add('u-1'); // the commit window: answered, not yet dropped from the pending list — shown once
    const messages = await read.messages(10);
    expect(messages.map((m) => [m.id, m.pending ?? false])).toEqual([['u-1', false], ['agent-b1', false], ['sys-user', false], ['u-2', true]]);
    expect(messages[1]).not.toHaveProperty('batch');
    expect((await read.messages(2)).map((m) => m.id)).toEqual(['sys-user', 'u-2']);
  });

  it('status counts tasks; tasks() lists tasks and scheduled jobs newest first; cron archives are synthetic', async () => {
    const snapshot = makeSnapshot({
      tasks: [makeTask({ id: 't-b1-1', status: 'running', createdAt: '2026-03-01T10:00:00.000Z' }), makeTask({ id: 't-b1-2', status: 'succeeded', createdAt: '2026-03-01T09:00:00.000Z' })],
      cronJobs: [{ id: 't-b2-1', cron: '0 0 9 * * *', timeZone: 'Asia/Shanghai', prompt: 'Daily news', title: 'News', profile: 'standard', enabled: true, createdAt: '2026-03-01T11:00:00.000Z' }],
    });
    const { read } = await model(snapshot);
    expect(read.status()).toMatchObject({ runtimeId: 'rt-1', agentStatus: 'running', tasks: { running: 1, succeeded: 1, pending: 0 }, maxWorkers: 3 });
    const views = read.tasks();
    expect(views.map((v) => [v.id, v.kind, v.status])).toEqual([['t-b2-1', 'cron', 'pending'], ['t-b1-1', 'task', 'running'], ['t-b1-2', 'task', 'succeeded']]);
    expect(views[0]?.schedule).toMatchObject({ cron: '0 0 9 * * *', timeZone: 'Asia/Shanghai', enabled: true, nextRunAt: '2026-03-02T01:00:00.000Z' });
    expect(await read.taskArchive('t-b2-1')).toMatch(/kind: cron[\s\S]*=== PROMPT ===\nDaily news/);
    expect(await read.taskArchive('t-b1-1')).toContain('Task is running…');
    expect(await read.taskArchive('nope')).toBeUndefined();
    expect(await read.taskProgress('t-b2-1')).toBeUndefined();
    expect(await read.taskProgress('t-b1-1')).toEqual([]);
  });
});
