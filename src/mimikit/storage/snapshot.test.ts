import fs from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { RuntimeSnapshot } from '../model/index.js';
import { loadSnapshot, saveSnapshot, SnapshotError } from './snapshot.js';
import { makeSnapshot, makeTask, useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();
const readJson = async (file: string) => JSON.parse(await fs.readFile(file, 'utf8')) as unknown;

describe('loadSnapshot', () => {
  it('creates and writes the initial snapshot when there is none', async () => {
    const paths = await newPaths();
    const snapshot = await loadSnapshot(paths, () => makeSnapshot({ managerTurn: 7 }));
    expect(snapshot.managerTurn).toBe(7);
    expect(await readJson(paths.snapshotFile)).toEqual(snapshot);
    expect(await loadSnapshot(paths, () => makeSnapshot())).toEqual(snapshot); // read back, init not used
  });

  it('round-trips a save, keeping the previous file as .bak', async () => {
    const paths = await newPaths();
    await saveSnapshot(paths, makeSnapshot({ managerTurn: 1 }));
    await saveSnapshot(paths, makeSnapshot({ managerTurn: 2, tasks: [makeTask()] }));
    expect(await loadSnapshot(paths, () => makeSnapshot())).toEqual(makeSnapshot({ managerTurn: 2, tasks: [makeTask()] }));
    expect(await readJson(paths.snapshotBackupFile)).toEqual(makeSnapshot({ managerTurn: 1 }));
  });

  it('falls back to .bak when the snapshot is not valid JSON, and restores it', async () => {
    const paths = await newPaths();
    await saveSnapshot(paths, makeSnapshot({ managerTurn: 1 }));
    await saveSnapshot(paths, makeSnapshot({ managerTurn: 2 }));
    await fs.writeFile(paths.snapshotFile, '{"version":1,"queu'); // torn
    const used: string[] = [];
    const loaded = await loadSnapshot(paths, () => makeSnapshot({ managerTurn: 99 }), { onBackupUsed: (i) => used.push(i.error) });
    expect(loaded.managerTurn).toBe(1);
    expect(used).toHaveLength(1);
    expect(await readJson(paths.snapshotFile)).toEqual(makeSnapshot({ managerTurn: 1 }));
    // The next save backs up the restored (good) file, not the garbage.
    await saveSnapshot(paths, makeSnapshot({ managerTurn: 3 }));
    expect(await readJson(paths.snapshotBackupFile)).toEqual(makeSnapshot({ managerTurn: 1 }));
  });

  it('throws when neither the snapshot nor .bak can be read, instead of starting empty', async () => {
    const paths = await newPaths();
    await fs.writeFile(paths.snapshotFile, 'not json');
    await expect(loadSnapshot(paths, () => makeSnapshot())).rejects.toThrow(SnapshotError);
    await fs.writeFile(paths.snapshotBackupFile, '{');
    await expect(loadSnapshot(paths, () => makeSnapshot())).rejects.toThrow(/runtime-snapshot\.json\.bak/);
    expect(await fs.readFile(paths.snapshotFile, 'utf8')).toBe('not json'); // left for a human to inspect
  });

  it('names the file and the failing paths on a schema failure', async () => {
    const paths = await newPaths();
    const bad = { ...makeSnapshot(), queues: { inputsCursor: -1, resultsCursor: 0 }, legacy: true };
    await fs.writeFile(paths.snapshotFile, JSON.stringify(bad));
    const error = await loadSnapshot(paths, () => makeSnapshot()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as SnapshotError).file).toBe(paths.snapshotFile);
    expect((error as Error).message).toContain(paths.snapshotFile);
    expect((error as Error).message).toContain('queues.inputsCursor');
    expect(await readJson(paths.snapshotFile)).toEqual(bad); // untouched
  });
});

describe('saveSnapshot', () => {
  it('refuses an invalid snapshot', async () => {
    const paths = await newPaths();
    const bad = { ...makeSnapshot(), managerTurn: -1 } as RuntimeSnapshot;
    await expect(saveSnapshot(paths, bad)).rejects.toThrow(SnapshotError);
    await expect(fs.access(paths.snapshotFile)).rejects.toThrow();
  });

  it('serializes saves: a later (small) save never lands before an earlier (large) one', async () => {
    const paths = await newPaths();
    const big = makeSnapshot({ managerTurn: 1, tasks: Array.from({ length: 20_000 }, (_, i) => makeTask({ id: `t-${i}`, prompt: 'x'.repeat(200) })) });
    const small = makeSnapshot({ managerTurn: 2 });
    await Promise.all([saveSnapshot(paths, big), saveSnapshot(paths, small)]);
    expect(((await readJson(paths.snapshotFile)) as RuntimeSnapshot).managerTurn).toBe(2);
    expect(((await readJson(paths.snapshotBackupFile)) as RuntimeSnapshot).managerTurn).toBe(1);
  });

  it('captures the snapshot at call time', async () => {
    const paths = await newPaths();
    const snapshot = makeSnapshot({ managerTurn: 1 });
    const saving = saveSnapshot(paths, snapshot);
    snapshot.managerTurn = 5;
    await saving;
    expect(((await readJson(paths.snapshotFile)) as RuntimeSnapshot).managerTurn).toBe(1);
  });
});
