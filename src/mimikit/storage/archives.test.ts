import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveSlug, liveArchive, TaskArchiveStore } from './archives.js';
import { parseDocument } from './front-matter.js';
import { StoragePathError } from './paths.js';
import { makeResult, makeTask, useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();

async function newStore() {
  const paths = await newPaths();
  return { paths, store: new TaskArchiveStore(paths) };
}

describe('archiveSlug', () => {
  it('is ascii, dashed, lowercase, at most 60 characters', () => {
    expect(archiveSlug('Hello, World!')).toBe('hello-world');
    expect(archiveSlug('Café – résumé 天气')).toBe('cafe-resume');
    expect(archiveSlug('查天气')).toBe('untitled');
    const long = archiveSlug('word '.repeat(40));
    expect(long.length).toBeLessThanOrEqual(60);
    expect(long).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});

describe('TaskArchiveStore', () => {
  it('writes tasks/<day of completedAt>/<id>_<slug>.md with front matter, prompt and result', async () => {
    const { paths, store } = await newStore();
    const task = makeTask({ cancel: { source: 'user', reason: 'changed my mind' } });
    const rel = await store.writeTaskArchive(task, makeResult({ status: 'canceled', ok: false, output: 'partial\n', cancel: { source: 'user', reason: 'changed my mind' } }));
    expect(rel).toBe('tasks/2024-05-01/t-b1-0_hello-world.md');
    const text = await fs.readFile(path.join(paths.root, rel), 'utf8');
    const { data, body } = parseDocument(text);
    expect(data).toEqual({
      task_id: 't-b1-0',
      title: 'Hello World',
      status: 'canceled',
      profile: 'standard',
      created_at: '2024-05-01T09:00:00.000Z',
      started_at: '2024-05-01T09:00:01.000Z',
      completed_at: '2024-05-01T23:59:59.000Z',
      duration_ms: 1234,
      attempts: 1,
      usage: '{"input":10,"output":5,"total":15}',
      cancel_source: 'user',
      cancel_reason: 'changed my mind',
    });
    expect(body).toBe('=== PROMPT ===\nFind the weather\n\n=== RESULT ===\npartial\n\n');
  });

  it('never overwrites: a name clash gets _01, _02', async () => {
    const { paths, store } = await newStore();
    const first = await store.writeTaskArchive(makeTask(), makeResult({ output: 'one' }));
    const second = await store.writeTaskArchive(makeTask(), makeResult({ output: 'two' }));
    const third = await store.writeTaskArchive(makeTask(), makeResult({ output: 'three' }));
    expect([first, second, third]).toEqual([
      'tasks/2024-05-01/t-b1-0_hello-world.md',
      'tasks/2024-05-01/t-b1-0_hello-world_01.md',
      'tasks/2024-05-01/t-b1-0_hello-world_02.md',
    ]);
    expect((await store.readTaskArchive(first))?.output).toBe('one');
    expect((await store.readTaskArchive(third))?.output).toBe('three');
    expect((await fs.readdir(path.join(paths.tasksDir, '2024-05-01'))).sort()).toHaveLength(3); // no temp files left
  });

  it('reads an archive back: front matter, prompt and output (trailing newline kept)', async () => {
    const { store } = await newStore();
    const rel = await store.writeTaskArchive(makeTask({ prompt: 'line 1\nline 2' }), makeResult({ output: 'done\n' }));
    const archive = await store.readTaskArchive(rel);
    expect(archive).toMatchObject({ relPath: rel, prompt: 'line 1\nline 2', output: 'done\n' });
    expect(archive?.meta).toMatchObject({ task_id: 't-b1-0', status: 'succeeded', duration_ms: 1234 });
    expect(await store.readTaskArchive('tasks/2024-05-01/missing.md')).toBeUndefined();
  });

  it('refuses paths outside tasks/, including through a symlink', async () => {
    const { paths, store } = await newStore();
    await fs.writeFile(paths.snapshotFile, '{}');
    for (const bad of ['../etc/passwd.md', '/etc/passwd', 'runtime-snapshot.json', 'tasks/../runtime-snapshot.json', 'tasks/x.txt']) {
      await expect(store.readTaskArchive(bad), bad).rejects.toThrow(StoragePathError);
    }
    await fs.mkdir(path.join(paths.tasksDir, '2024-05-01'), { recursive: true });
    const outside = path.join(paths.root, 'secret.md');
    await fs.writeFile(outside, 'secret');
    await fs.symlink(outside, path.join(paths.tasksDir, '2024-05-01', 'link.md'));
    await expect(store.readTaskArchive('tasks/2024-05-01/link.md')).rejects.toThrow(StoragePathError);
  });

  it('refuses a task id that is not a safe file name', async () => {
    const { store } = await newStore();
    await expect(store.writeTaskArchive(makeTask({ id: '../../x' }), makeResult())).rejects.toThrow(StoragePathError);
  });
});

describe('liveArchive', () => {
  it('renders the same front matter with a placeholder for unfinished tasks', () => {
    const queued = parseDocument(liveArchive(makeTask({ status: 'pending', startedAt: undefined })));
    expect(queued.data).toMatchObject({ task_id: 't-b1-0', status: 'pending', profile: 'standard', attempts: 1, usage: '{}' });
    expect(queued.data).not.toHaveProperty('started_at');
    expect(queued.body).toBe('=== PROMPT ===\nFind the weather\n\n=== RESULT ===\nTask is queued…\n');
    expect(parseDocument(liveArchive(makeTask())).body).toContain('=== RESULT ===\nTask is running…');
    expect(parseDocument(liveArchive(makeTask({ status: 'failed', result: makeResult({ status: 'failed', output: 'boom' }) }))).body).toContain('=== RESULT ===\nboom');
  });
});
