import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/logger.js';
import { PersonaStore } from '../storage/index.js';
import { makeSnapshot, makeTask, useTempWorkDirs } from '../storage/testing/fixtures.js';
import type { BatchRecord } from '../model/index.js';
import { applyBatchRecord } from './apply-actions.js';

const newPaths = useTempWorkDirs();
const createdAt = '2026-03-01T01:00:00.000Z';

const record = (actions: BatchRecord['actions'], timeZone?: string): BatchRecord => ({ id: 'b7', inputIds: ['u-1'], resultIds: [], actions, ...(timeZone ? { timeZone } : {}) });

describe('applyBatchRecord', () => {
  it('creates tasks and scheduled jobs with deterministic ids; applying again changes nothing', async () => {
    const paths = await newPaths();
    const state = makeSnapshot();
    const rec = record(
      [
        { name: 'create_task', attrs: { prompt: 'Do A', title: 'A', profile: 'standard' } },
        { name: 'create_task', attrs: { prompt: 'Remind', title: 'Daily', cron: '0 0 9 * * *' } },
        { name: 'create_task', attrs: { prompt: 'Once', title: 'Once', scheduled_at: '2026-03-02T09:00:00+08:00' } },
      ],
      'Asia/Shanghai',
    );
    const ctx = { state, persona: new PersonaStore(paths), createdAt, recovering: false, logger: silentLogger() };
    const first = await applyBatchRecord(rec, ctx);
    expect(state.tasks).toMatchObject([{ id: 't-b7-1', status: 'pending', batchId: 'b7', createdAt, attempts: 0 }]);
    expect(state.cronJobs).toMatchObject([
      { id: 't-b7-2', cron: '0 0 9 * * *', timeZone: 'Asia/Shanghai', enabled: true },
      { id: 't-b7-3', scheduledAt: '2026-03-02T09:00:00+08:00', enabled: true },
    ]);
    expect(state.cronJobs[1]?.timeZone).toBeUndefined();
    expect(first.effects).toEqual([{ kind: 'start_task', taskId: 't-b7-1' }, { kind: 'schedule_changed' }, { kind: 'schedule_changed' }]);
    expect(first.messages.map((m) => m.id)).toEqual(['sys-b7-1-created', 'sys-b7-2-scheduled', 'sys-b7-3-scheduled']);
    expect(first.messages[0]?.text).toMatch(/^Task created · A\n\n<M:system_event name="task_created" version="1">/);

    const again = await applyBatchRecord(rec, { ...ctx, recovering: true });
    expect(state.tasks).toHaveLength(1);
    expect(state.cronJobs).toHaveLength(2);
    expect(again.effects).toEqual([]);
  });

  it('cancel marks a task (the runtime aborts it after the commit) or disables a job; summarize replaces the kept output', async () => {
    const paths = await newPaths();
    const done = makeTask({ id: 't-b1-1', status: 'succeeded', result: { taskId: 't-b1-1', status: 'succeeded', ok: true, output: 'long output', durationMs: 1, completedAt: createdAt, attempts: 1 } });
    const state = makeSnapshot({
      tasks: [makeTask({ id: 't-b1-2', status: 'running' }), done],
      cronJobs: [{ id: 't-b1-3', cron: '0 0 9 * * *', prompt: 'p', title: 'J', profile: 'standard', enabled: true, createdAt }],
    });
    const out = await applyBatchRecord(
      record([
        { name: 'cancel_task', attrs: { id: 't-b1-2' } },
        { name: 'cancel_task', attrs: { id: 't-b1-3' } },
        { name: 'summarize_task_result', attrs: { task_id: 't-b1-1', summary: 'short' } },
      ]),
      { state, persona: new PersonaStore(paths), createdAt, recovering: false, logger: silentLogger() },
    );
    expect(state.tasks[0]?.cancel).toEqual({ source: 'manager' });
    expect(state.tasks[0]?.status).toBe('running');
    expect(out.effects).toEqual([{ kind: 'cancel_task', taskId: 't-b1-2', info: { source: 'manager' } }, { kind: 'schedule_changed' }]);
    expect(state.cronJobs[0]).toMatchObject({ enabled: false, disabledReason: 'canceled' });
    expect(done.result?.output).toBe('short');
  });

  it('persona and profile updates write the files (old persona versioned); restart and compress only outside recovery', async () => {
    const paths = await newPaths();
    await paths.ensureLayout();
    const persona = new PersonaStore(paths);
    await persona.updatePersona('Old persona.');
    const rec = record([
      { name: 'update_persona', attrs: { text: 'New persona.' } },
      { name: 'update_profile', attrs: { text: 'Name: Lin.' } },
      { name: 'compress_context', attrs: {} },
      { name: 'restart_server', attrs: {} },
    ]);
    const live = await applyBatchRecord(rec, { state: makeSnapshot(), persona, createdAt, recovering: false, logger: silentLogger() });
    expect(await persona.readPersona()).toBe('New persona.');
    expect(await persona.readUserProfile()).toBe('Name: Lin.');
    expect(await fs.readdir(paths.personaVersionsDir)).toHaveLength(1);
    expect(live.effects).toEqual([{ kind: 'compress' }, { kind: 'restart' }]);
    const recovering = await applyBatchRecord(rec, { state: makeSnapshot(), persona, createdAt, recovering: true, logger: silentLogger() });
    expect(recovering.effects).toEqual([]);
    expect(await fs.readdir(paths.personaVersionsDir)).toHaveLength(1); // same text: no new version
  });
});
