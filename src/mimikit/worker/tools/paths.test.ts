import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempWork, type TempWork } from '../test-support.js';
import { resolveToolPath } from './paths.js';
import { ToolFailure } from './types.js';

describe('resolveToolPath', () => {
  let work: TempWork;
  beforeEach(async () => {
    work = await makeTempWork();
  });
  afterEach(async () => {
    await work.cleanup();
  });

  it('resolves relative paths from the workspace and generated/… into the generated directory', async () => {
    expect(await resolveToolPath(work, 'a/b.txt')).toBe(path.join(work.workspaceDir, 'a', 'b.txt'));
    expect(await resolveToolPath(work, 'generated/report.md')).toBe(path.join(work.generatedDir, 'report.md'));
    expect(await resolveToolPath(work, path.join(work.generatedDir, 'x.md'))).toBe(path.join(work.generatedDir, 'x.md'));
    expect(await resolveToolPath(work, '../generated/y.md')).toBe(path.join(work.generatedDir, 'y.md'));
    expect(await resolveToolPath(work, '..foo')).toBe(path.join(work.workspaceDir, '..foo'));
  });

  it('refuses .. escapes, absolute paths elsewhere and the state directory', async () => {
    await expect(resolveToolPath(work, '../runtime-snapshot.json')).rejects.toThrow(ToolFailure);
    await expect(resolveToolPath(work, '../../etc/passwd')).rejects.toThrow(/outside the workspace/);
    await expect(resolveToolPath(work, '/etc/passwd')).rejects.toThrow(/outside the workspace/);
    await expect(resolveToolPath(work, work.workDir)).rejects.toThrow(/outside the workspace/);
    await expect(resolveToolPath(work, '')).rejects.toThrow(/empty/);
  });

  it('refuses symlinks that point out, for existing targets and for new files below them', async () => {
    const outside = path.join(work.workDir, 'secret');
    await mkdir(outside);
    await writeFile(path.join(outside, 'key.txt'), 'k');
    await symlink(outside, path.join(work.workspaceDir, 'escape'));
    await symlink(path.join(outside, 'key.txt'), path.join(work.workspaceDir, 'key-link'));
    await expect(resolveToolPath(work, 'escape/key.txt')).rejects.toThrow(/resolves to/);
    await expect(resolveToolPath(work, 'escape/new/dir/file.txt')).rejects.toThrow(/outside/);
    await expect(resolveToolPath(work, 'key-link')).rejects.toThrow(/outside/);
  });

  it('allows symlinks that stay inside', async () => {
    await mkdir(path.join(work.workspaceDir, 'real'));
    await symlink(path.join(work.workspaceDir, 'real'), path.join(work.workspaceDir, 'alias'));
    expect(await resolveToolPath(work, 'alias/f.txt')).toBe(path.join(work.workspaceDir, 'alias', 'f.txt'));
  });
});
