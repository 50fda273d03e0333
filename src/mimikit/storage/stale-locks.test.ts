import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendJsonLine } from '../../shared/jsonl.js';
import { clearStaleFileLocks } from './stale-locks.js';
import { startTsChild } from './testing/child-process.js';
import { useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();
const CHILD = 'src/mimikit/storage/testing/file-lock-child.ts';

/** A real process takes the file lock of `file` and is SIGKILLed while holding it. */
async function killedHolder(file: string): Promise<void> {
  const child = startTsChild(CHILD, [file]);
  expect(await child.next()).toMatchObject({ held: true });
  child.process.kill('SIGKILL');
  await child.exited;
}

describe('clearStaleFileLocks', () => {
  it('removes the lock a killed process left, so the next append does not wait for it to go stale', async () => {
    const paths = await newPaths();
    await paths.ensureLayout();
    await killedHolder(paths.inputsFile);
    await killedHolder(paths.historyFile('2024-05-01'));
    expect((await fs.stat(`${paths.inputsFile}.lock`)).isDirectory()).toBe(true);

    expect((await clearStaleFileLocks(paths)).sort()).toEqual(['history/2024-05-01.jsonl.lock', 'inputs/packets.jsonl.lock']);
    const started = Date.now();
    await appendJsonLine(paths.inputsFile, { id: 'u1' });
    // proper-lockfile would wait ~10 s (its stale time) for the dead holder's lock.
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await fs.readFile(paths.inputsFile, 'utf8')).toBe('{"id":"u1"}\n');
    expect(await clearStaleFileLocks(paths)).toEqual([]);
  });

  it('touches nothing but lock directories of the state files: not the instance lock, files, workspace or generated', async () => {
    const paths = await newPaths();
    await paths.ensureLayout();
    const kept = [
      path.join(paths.workspaceDir, 'notes.jsonl.lock'),
      path.join(paths.generatedDir, 'out.jsonl.lock'),
      path.join(paths.historyDir, 'not-a-lock.lock'),
    ];
    for (const dir of kept) await fs.mkdir(dir, { recursive: true });
    await fs.writeFile(paths.instanceLockFile, '{}');
    await fs.writeFile(path.join(paths.tasksDir, 'file.jsonl.lock'), 'a file, not a lock directory');
    await fs.mkdir(`${paths.tasksLogFile}.lock`);
    await fs.mkdir(`${paths.progressFile('t-1')}.lock`);

    expect((await clearStaleFileLocks(paths)).sort()).toEqual(['task-progress/t-1.jsonl.lock', 'tasks/tasks.jsonl.lock']);
    for (const dir of kept) expect((await fs.stat(dir)).isDirectory()).toBe(true);
    await fs.access(paths.instanceLockFile);
    await fs.access(path.join(paths.tasksDir, 'file.jsonl.lock'));
  });

  it('a work dir without the layout yet is fine', async () => {
    const paths = await newPaths();
    expect(await clearStaleFileLocks(paths)).toEqual([]);
  });
});
