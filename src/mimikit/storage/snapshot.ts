/**
 * `runtime-snapshot.json` (+ `.bak`). Saves are atomic, keep the previous file as `.bak`, and are
 * serialized (a later save never lands before an earlier one). Loading never silently starts empty over a
 * damaged snapshot: unreadable JSON falls back to `.bak`, a schema failure is a `SnapshotError`.
 */
import fs from 'node:fs/promises';
import { serialized } from '../../shared/file-lock.js';
import { writeFileAtomic, writeJsonAtomic } from '../../shared/atomic-write.js';
import { runtimeSnapshotSchema, type RuntimeSnapshot } from '../model/index.js';
import type { StatePaths } from './paths.js';
import { describeIssues } from './validated-jsonl.js';

export class SnapshotError extends Error {
  override name = 'SnapshotError';
  constructor(
    readonly file: string,
    readonly detail: string,
  ) {
    super(`runtime snapshot ${file} is unusable: ${detail}`);
  }
}

export interface LoadSnapshotOptions {
  /** Told when the main file was unreadable and `.bak` was used (and restored over it). */
  onBackupUsed?: (info: { file: string; error: string }) => void;
}

type ReadOutcome = { kind: 'missing' } | { kind: 'unparseable'; error: string } | { kind: 'ok'; value: unknown; text: string };

async function readSnapshotFile(file: string): Promise<ReadOutcome> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'missing' };
    throw e;
  }
  try {
    return { kind: 'ok', value: JSON.parse(text) as unknown, text };
  } catch (e) {
    return { kind: 'unparseable', error: e instanceof Error ? e.message : String(e) };
  }
}

function validate(file: string, value: unknown): RuntimeSnapshot {
  const parsed = runtimeSnapshotSchema.safeParse(value);
  if (!parsed.success) throw new SnapshotError(file, `schema: ${describeIssues(parsed.error, 5)}`);
  return parsed.data;
}

/**
 * Loads the snapshot. Missing (and no `.bak`) → `init()`, written. Unparseable → `.bak` (restored as the
 * main file, so the next save's backup copy cannot replace the good `.bak` with garbage) → else throw.
 * A schema failure throws `SnapshotError` naming the file and the failing paths.
 */
export async function loadSnapshot(paths: StatePaths, init: () => RuntimeSnapshot, options: LoadSnapshotOptions = {}): Promise<RuntimeSnapshot> {
  return serialized(`snapshot:${paths.snapshotFile}`, async () => {
    const main = await readSnapshotFile(paths.snapshotFile);
    if (main.kind === 'ok') return validate(paths.snapshotFile, main.value);

    const backup = await readSnapshotFile(paths.snapshotBackupFile);
    if (backup.kind === 'ok') {
      const snapshot = validate(paths.snapshotBackupFile, backup.value);
      const error = main.kind === 'missing' ? 'missing' : main.error;
      options.onBackupUsed?.({ file: paths.snapshotFile, error });
      await writeFileAtomic(paths.snapshotFile, backup.text);
      return snapshot;
    }
    if (main.kind === 'missing' && backup.kind === 'missing') {
      const snapshot = validate('(initial snapshot)', init());
      await writeJsonAtomic(paths.snapshotFile, snapshot);
      return snapshot;
    }
    const mainError = main.kind === 'unparseable' ? main.error : 'missing';
    const backupError = backup.kind === 'unparseable' ? backup.error : 'missing';
    throw new SnapshotError(paths.snapshotFile, `not valid JSON (${mainError}); backup ${paths.snapshotBackupFile}: ${backupError}`);
  });
}

/** Validates and writes the snapshot atomically, keeping the previous file as `.bak`; calls are serialized. */
export async function saveSnapshot(paths: StatePaths, snapshot: RuntimeSnapshot): Promise<void> {
  const valid = validate('(snapshot to save)', snapshot);
  const text = `${JSON.stringify(valid, null, 2)}\n`; // captured now: later mutation of `snapshot` can't leak in
  await serialized(`snapshot:${paths.snapshotFile}`, () => writeFileAtomic(paths.snapshotFile, text, { backup: true }));
}
