import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { TaskLog, type TaskLogEntry } from './tasks-log.js';
import { StorageValidationError, type CorruptLine } from './validated-jsonl.js';
import { appendRaw, fileLines, useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();

describe('TaskLog', () => {
  it('appends transitions as lines and reads them back, skipping a torn line', async () => {
    const paths = await newPaths();
    const corrupt: CorruptLine[] = [];
    const log = new TaskLog(paths, { clock: new ManualClock(Date.parse('2024-05-01T00:00:00.000Z')), onCorrupt: (c) => corrupt.push(c) });
    await log.appendTransition({ taskId: 't-1', status: 'pending', title: 'Weather' });
    await appendRaw(paths.tasksLogFile, '{"at":"2024-05-01T00:00:00.000Z","taskId":"t-1","sta');
    await log.appendTransition({ taskId: 't-1', status: 'failed', attempts: 2, reason: 'timeout', at: '2024-05-01T00:05:00.000Z' });
    const expected: TaskLogEntry[] = [
      { at: '2024-05-01T00:00:00.000Z', taskId: 't-1', status: 'pending', title: 'Weather' },
      { at: '2024-05-01T00:05:00.000Z', taskId: 't-1', status: 'failed', attempts: 2, reason: 'timeout' },
    ];
    expect(await log.readTaskLog()).toEqual(expected);
    expect(corrupt).toHaveLength(1);
    expect(await fileLines(paths.tasksLogFile)).toHaveLength(3);
  });

  it('refuses an invalid transition', async () => {
    const paths = await newPaths();
    const log = new TaskLog(paths);
    await expect(log.appendTransition({ taskId: 't-1', status: 'exploded' as TaskLogEntry['status'] })).rejects.toThrow(StorageValidationError);
    expect(await log.readTaskLog()).toEqual([]);
  });
});
