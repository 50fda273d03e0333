import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StatePaths, StoragePathError, utcDay } from './paths.js';
import { useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();

describe('StatePaths', () => {
  const p = new StatePaths('/srv/state');
  const rel = (abs: string) => path.relative('/srv/state', abs).split(path.sep).join('/');

  it('names exactly the seed layout', () => {
    expect({
      history: rel(p.historyFile('2024-05-01')),
      log: rel(p.logFile),
      snapshot: rel(p.snapshotFile),
      backup: rel(p.snapshotBackupFile),
      inputs: rel(p.inputsFile),
      results: rel(p.resultsFile),
      tasksLog: rel(p.tasksLogFile),
      progress: rel(p.progressFile('t-1')),
      archive: rel(p.archiveDir('2024-05-01')),
      trace: rel(p.traceDir('2024-05-01')),
      profile: rel(p.userProfileFile),
      persona: rel(p.personaFile),
      versions: rel(p.personaVersionsDir),
      workspace: rel(p.workspaceDir),
      generated: rel(p.generatedDir),
      lock: rel(p.instanceLockFile),
    }).toEqual({
      history: 'history/2024-05-01.jsonl',
      log: 'log.jsonl',
      snapshot: 'runtime-snapshot.json',
      backup: 'runtime-snapshot.json.bak',
      inputs: 'inputs/packets.jsonl',
      results: 'results/packets.jsonl',
      tasksLog: 'tasks/tasks.jsonl',
      progress: 'task-progress/t-1.jsonl',
      archive: 'tasks/2024-05-01',
      trace: 'traces/2024-05-01',
      profile: 'user_profile.md',
      persona: 'agent_persona.md',
      versions: 'agent_persona_versions',
      workspace: 'workspace',
      generated: 'generated',
      lock: '.instance.lock',
    });
  });

  it('requires an absolute work dir', () => {
    expect(() => new StatePaths('.mimikit')).toThrow(StoragePathError);
  });

  it('refuses task ids that could leave task-progress/', () => {
    for (const bad of ['../snapshot', 'a/b', 'a\\b', '..', '', 'x'.repeat(129), 'a.b', 'é']) {
      expect(() => p.progressFile(bad), bad).toThrow(StoragePathError);
    }
    expect(rel(p.progressFile('A_z-9'))).toBe('task-progress/A_z-9.jsonl');
    expect(() => p.progressFile('x'.repeat(128))).not.toThrow();
  });

  it('uses the UTC day of a date and refuses malformed days', () => {
    expect(utcDay(new Date('2024-03-01T23:30:00-05:00'))).toBe('2024-03-02');
    expect(rel(p.historyFile(new Date('2024-12-31T23:59:59.999Z')))).toBe('history/2024-12-31.jsonl');
    for (const bad of ['2024-13-01', '2024-02-30', '../../etc', '2024-5-1']) expect(() => p.historyFile(bad), bad).toThrow(StoragePathError);
    expect(() => p.traceDir(new Date(Number.NaN))).toThrow(StoragePathError);
  });

  it('resolves relative paths only inside the base', () => {
    expect(p.resolveInside('tasks/2024-05-01/a.md', p.tasksDir)).toBe(path.join('/srv/state', 'tasks/2024-05-01/a.md'));
    for (const bad of ['../outside', '/etc/passwd', 'tasks/../../x', 'tasks/../runtime-snapshot.json', 'a\0b']) {
      expect(() => p.resolveInside(bad, p.tasksDir), bad).toThrow(StoragePathError);
    }
    expect(p.resolveInside('..foo')).toBe(path.join('/srv/state', '..foo'));
  });

  it('ensureLayout creates every directory', async () => {
    const paths = await newPaths();
    await paths.ensureLayout();
    await paths.ensureLayout(); // idempotent
    for (const dir of [paths.historyDir, path.dirname(paths.inputsFile), path.dirname(paths.resultsFile), paths.tasksDir, paths.progressDir, paths.tracesDir, paths.personaVersionsDir, paths.workspaceDir, paths.generatedDir]) {
      expect((await fs.stat(dir)).isDirectory(), dir).toBe(true);
    }
  });
});
