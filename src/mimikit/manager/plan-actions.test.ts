import { describe, expect, it } from 'vitest';
import { parseReply, validateActions } from '../actions/index.js';
import { makeSnapshot, makeTask } from '../storage/testing/fixtures.js';
import type { ResultPacket, RuntimeSnapshot } from '../model/index.js';
import { planActions } from './plan-actions.js';
import { CreateDebouncer, taskFingerprint } from './task-keys.js';

function actions(text: string, state: RuntimeSnapshot) {
  return validateActions(parseReply(text).actions, { taskStatus: (id) => state.tasks.find((t) => t.id === id)?.status, cronJobEnabled: () => undefined, now: new Date(0), maxActions: 20 }).accepted;
}

const create = (prompt: string, title = 'T') => `<M:create_task prompt="${prompt}" title="${title}" profile="standard"/>`;

describe('planActions', () => {
  it('records accepted actions; query_history is never recorded', () => {
    const state = makeSnapshot();
    const plan = planActions(actions(`x\n${create('A')}\n<M:query_history query="q"/>`, state), { state, debouncer: new CreateDebouncer(() => 4_000), nowMs: 0, batch: { inputs: [], results: [] } });
    expect(plan.record).toEqual([{ name: 'create_task', attrs: { prompt: 'A', title: 'T', profile: 'standard' } }]);
    expect(plan.debounceKeys).toHaveLength(1);
  });

  it('drops repeats: within the reply, within the debounce window, of active tasks', () => {
    const active = makeTask({ id: 't-b1-1', status: 'running', fingerprint: taskFingerprint({ prompt: 'Busy', title: 'T', profile: 'standard' }) });
    const state = makeSnapshot({ tasks: [active] });
    const debouncer = new CreateDebouncer(() => 4_000);
    debouncer.remember(planActions(actions(create('Recent 1'), state), { state, debouncer, nowMs: 0, batch: { inputs: [], results: [] } }).debounceKeys, 0);
    const plan = planActions(actions(`${create('A')}\n${create('A')}\n${create('Recent 2')}\n${create('Busy')}\n${create('New')}`, state), { state, debouncer, nowMs: 1_000, batch: { inputs: [], results: [] } });
    expect(plan.record.map((a) => a.attrs.prompt)).toEqual(['A', 'New']);
    expect(plan.dropped.map((d) => d.reason)).toEqual(['repeats a task created moments ago', 'repeats a task created moments ago', 'the same task is already pending or running']);
    expect(planActions(actions(create('Recent 2'), state), { state, debouncer, nowMs: 5_000, batch: { inputs: [], results: [] } }).record).toHaveLength(1);
  });

  it('tasks of one reply that differ only in a number are all kept (the loose key is for later repeats)', () => {
    const state = makeSnapshot();
    const debouncer = new CreateDebouncer(() => 4_000);
    const plan = planActions(actions(`${create('Summarize chapter 1')}\n${create('Summarize chapter 2')}\n${create('Summarize chapter 1')}`, state), { state, debouncer, nowMs: 0, batch: { inputs: [], results: [] } });
    expect(plan.record.map((a) => a.attrs.prompt)).toEqual(['Summarize chapter 1', 'Summarize chapter 2']);
    expect(plan.dropped).toHaveLength(1);
    debouncer.remember(plan.debounceKeys, 0);
    expect(planActions(actions(create('Summarize chapter 3'), state), { state, debouncer, nowMs: 1_000, batch: { inputs: [], results: [] } }).record).toEqual([]);
  });

  it('a task the user just canceled is not recreated unless the user writes again', () => {
    const fingerprint = taskFingerprint({ prompt: 'Again', title: 'T', profile: 'standard' });
    const state = makeSnapshot({ tasks: [makeTask({ id: 't-b1-1', status: 'canceled', fingerprint })] });
    const result: ResultPacket = { id: 'r-t-b1-1-1', createdAt: '2026-01-01T00:00:00.000Z', payload: { taskId: 't-b1-1', status: 'canceled', ok: false, output: 'x', durationMs: 1, completedAt: '2026-01-01T00:00:00.000Z', attempts: 1, cancel: { source: 'user' } } };
    const plan = (inputs: Parameters<typeof planActions>[1]['batch']['inputs']) => planActions(actions(create('Again'), state), { state, debouncer: new CreateDebouncer(() => 0), nowMs: 0, batch: { inputs, results: [result] } }).record;
    expect(plan([])).toEqual([]);
    const createdAt = '2026-01-01T00:00:01.000Z';
    expect(plan([{ id: 'u-1', createdAt, payload: { id: 'u-1', role: 'user', text: 'do it again', createdAt, wake: 'user_input' } }])).toHaveLength(1);
  });
});
