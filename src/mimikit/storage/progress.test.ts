import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { ProgressStore } from './progress.js';
import { StoragePathError } from './paths.js';
import { StorageValidationError, type CorruptLine } from './validated-jsonl.js';
import { appendRaw, fileLines, useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();

async function newStore() {
  const paths = await newPaths();
  const corrupt: CorruptLine[] = [];
  const clock = new ManualClock(Date.parse('2024-05-01T10:00:00.000Z'));
  return { paths, clock, corrupt, store: new ProgressStore(paths, { clock, onCorrupt: (c) => corrupt.push(c) }) };
}

describe('ProgressStore', () => {
  it('appends events with the time of the clock and reads them in order', async () => {
    const { store, clock } = await newStore();
    expect(await store.readProgress('t-1')).toEqual([]);
    await store.appendProgress('t-1', { type: 'start' });
    clock.advance(1000);
    await store.appendProgress('t-1', { type: 'tool_call', payload: { tool: 'shell' } });
    expect(await store.readProgress('t-1')).toEqual([
      { taskId: 't-1', type: 'start', createdAt: '2024-05-01T10:00:00.000Z', payload: {} },
      { taskId: 't-1', type: 'tool_call', createdAt: '2024-05-01T10:00:01.000Z', payload: { tool: 'shell' } },
    ]);
    expect((await store.readProgress('t-1', { limit: 1 })).map((e) => e.type)).toEqual(['tool_call']);
    expect(await store.readProgress('t-2')).toEqual([]);
  });

  it('skips a torn last line; the next append lands as its own valid line', async () => {
    const { paths, store, corrupt } = await newStore();
    await store.appendProgress('t-1', { type: 'start' });
    await appendRaw(paths.progressFile('t-1'), '{"taskId":"t-1","type":"to');
    expect((await store.readProgress('t-1')).map((e) => e.type)).toEqual(['start']);
    expect(corrupt).toHaveLength(1);
    await store.appendProgress('t-1', { type: 'done' });
    expect((await store.readProgress('t-1')).map((e) => e.type)).toEqual(['start', 'done']);
    expect(await fileLines(paths.progressFile('t-1'))).toHaveLength(3);
  });

  it('refuses unsafe task ids and invalid events', async () => {
    const { store } = await newStore();
    await expect(store.appendProgress('../../log', { type: 'x' })).rejects.toThrow(StoragePathError);
    await expect(store.readProgress('a/b')).rejects.toThrow(StoragePathError);
    await expect(store.appendProgress('t-1', { type: '' })).rejects.toThrow(StorageValidationError);
  });
});
