import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempWork, toolContext, type TempWork } from '../test-support.js';
import { defaultToolRegistry } from './registry.js';
import type { ToolContext } from './types.js';

const registry = defaultToolRegistry();

describe('file tools', () => {
  let work: TempWork;
  let ctx: ToolContext;
  const call = (name: string, args: unknown) => registry.execute(name, JSON.stringify(args), ctx);

  beforeEach(async () => {
    work = await makeTempWork();
    ctx = toolContext(work, { maxReadBytes: 40 });
  });
  afterEach(async () => {
    await work.cleanup();
  });

  it('write_file creates parent directories, also under generated/', async () => {
    expect(await call('write_file', { path: 'notes/a.txt', content: 'héllo' })).toEqual({ ok: true, content: 'wrote 6 bytes to notes/a.txt' });
    expect(await readFile(path.join(work.workspaceDir, 'notes', 'a.txt'), 'utf8')).toBe('héllo');
    expect((await call('write_file', { path: 'generated/out/r.md', content: '# R' })).ok).toBe(true);
    expect(await readFile(path.join(work.generatedDir, 'out', 'r.md'), 'utf8')).toBe('# R');
  });

  it('write_file refuses paths outside, through .. and through a symlink, and writes nothing', async () => {
    const outside = path.join(work.workDir, 'outside');
    await mkdir(outside);
    await symlink(outside, path.join(work.workspaceDir, 'out-link'));
    for (const p of ['../outside/x.txt', path.join(outside, 'y.txt'), 'out-link/z.txt']) {
      const res = await call('write_file', { path: p, content: 'nope' });
      expect(res.ok).toBe(false);
      expect(res.content).toMatch(/outside the workspace/);
    }
    await expect(readFile(path.join(outside, 'x.txt'))).rejects.toThrow();
    await expect(readFile(path.join(outside, 'z.txt'))).rejects.toThrow();
  });

  it('read_file reads lines with offset/limit and caps its output with a continuation hint', async () => {
    await writeFile(path.join(work.workspaceDir, 'f.txt'), ['one', 'two', 'three', 'four'].join('\n'));
    expect(await call('read_file', { path: 'f.txt' })).toEqual({ ok: true, content: 'one\ntwo\nthree\nfour' });
    expect((await call('read_file', { path: 'f.txt', offset: 2, limit: 2 })).content).toBe('two\nthree');
    await writeFile(path.join(work.workspaceDir, 'long.txt'), Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n'));
    const capped = await call('read_file', { path: 'long.txt' });
    expect(capped.content).toMatch(/^line 1\nline 2\n/);
    expect(capped.content).toMatch(/continue with offset=6\]$/);
    expect((await call('read_file', { path: 'f.txt', offset: 9 })).content).toMatch(/only 4 lines/);
  });

  it('read_file errors: missing file, directory, binary, outside via symlink', async () => {
    expect(await call('read_file', { path: 'missing.txt' })).toMatchObject({ ok: false, content: expect.stringMatching(/ENOENT/) });
    expect(await call('read_file', { path: '.' })).toMatchObject({ ok: false, content: expect.stringMatching(/is a directory/) });
    await writeFile(path.join(work.workspaceDir, 'bin'), Buffer.from([1, 0, 2]));
    expect(await call('read_file', { path: 'bin' })).toMatchObject({ ok: false, content: expect.stringMatching(/binary/) });
    await writeFile(path.join(work.workDir, 'secret.txt'), 'secret');
    await symlink(path.join(work.workDir, 'secret.txt'), path.join(work.workspaceDir, 's'));
    const res = await call('read_file', { path: 's' });
    expect(res.ok).toBe(false);
    expect(res.content).not.toContain('secret\n');
    expect(res.content).toMatch(/outside the workspace/);
  });

  it('edit_file replaces exactly one occurrence, and otherwise says how many and changes nothing', async () => {
    const file = path.join(work.workspaceDir, 'e.txt');
    await writeFile(file, 'alpha beta alpha gamma');
    expect(await call('edit_file', { path: 'e.txt', old_text: 'beta', new_text: 'BETA' })).toEqual({ ok: true, content: 'edited e.txt: replaced 1 occurrence' });
    expect(await readFile(file, 'utf8')).toBe('alpha BETA alpha gamma');
    expect(await call('edit_file', { path: 'e.txt', old_text: 'alpha', new_text: 'x' })).toMatchObject({ ok: false, content: expect.stringMatching(/occurs 2 times/) });
    expect(await call('edit_file', { path: 'e.txt', old_text: 'delta', new_text: 'x' })).toMatchObject({ ok: false, content: expect.stringMatching(/not found/) });
    expect(await readFile(file, 'utf8')).toBe('alpha BETA alpha gamma');
  });

  it('list_files lists sorted entries, recursively on request, without following symlinks', async () => {
    await mkdir(path.join(work.workspaceDir, 'b', 'c'), { recursive: true });
    await writeFile(path.join(work.workspaceDir, 'a.txt'), '');
    await writeFile(path.join(work.workspaceDir, 'b', 'c', 'd.txt'), '');
    await symlink('/etc', path.join(work.workspaceDir, 'z'));
    expect((await call('list_files', {})).content).toBe('a.txt\nb/\nz -> /etc');
    expect((await call('list_files', { path: '.', recursive: true })).content).toBe('a.txt\nb/\nb/c/\nb/c/d.txt\nz -> /etc');
    expect(await call('list_files', { path: 'generated/' })).toEqual({ ok: true, content: 'generated/ is empty' });
    expect(await call('list_files', { path: 'a.txt' })).toMatchObject({ ok: false, content: 'a.txt is not a directory' });
    expect((await call('list_files', { path: 'z' })).content).toMatch(/outside the workspace/);
  });

  it('list_files caps the number of entries', async () => {
    ctx = toolContext(work, { maxListEntries: 3 });
    for (const n of ['1', '2', '3', '4', '5']) await writeFile(path.join(work.workspaceDir, n), '');
    expect((await call('list_files', {})).content).toBe('1\n2\n3\n… 2+ more entries not listed');
  });

  it('bad arguments, bad JSON and unknown tools are error results, not exceptions', async () => {
    expect(await call('write_file', { path: 'x' })).toEqual({ ok: false, content: 'invalid arguments for write_file: content: Invalid input: expected string, received undefined' });
    expect(await call('read_file', { path: 'x', offset: 0 })).toMatchObject({ ok: false, content: expect.stringMatching(/^invalid arguments for read_file: offset:/) });
    expect(await call('edit_file', { path: 'x', old_text: 'a', new_text: 'b', extra: 1 })).toMatchObject({ ok: false, content: expect.stringMatching(/extra/) });
    expect(await registry.execute('write_file', '{"path": ', ctx)).toMatchObject({ ok: false, content: expect.stringMatching(/not valid JSON/) });
    expect(await registry.execute('rm_rf', '{}', ctx)).toMatchObject({ ok: false, content: expect.stringMatching(/unknown tool "rm_rf"; available tools: shell, read_file/) });
  });

  it('specs carry JSON Schemas derived from the argument schemas', () => {
    const write = registry.specs().find((s) => s.name === 'write_file');
    expect(write?.parameters).toMatchObject({ type: 'object', required: ['path', 'content'], additionalProperties: false });
    expect(write?.parameters).not.toHaveProperty('$schema');
  });
});
