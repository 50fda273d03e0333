import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listDir, listDirEntries } from './list-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'list-dir-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('listDir / listDirEntries', () => {
  it('list what is there, with types', async () => {
    await fs.writeFile(path.join(dir, 'a.txt'), 'x');
    await fs.mkdir(path.join(dir, 'sub'));
    expect((await listDir(dir)).sort()).toEqual(['a.txt', 'sub']);
    const entries = await listDirEntries(dir);
    expect(entries.find((e) => e.name === 'sub')?.isDirectory()).toBe(true);
  });

  it('give nothing for a directory that does not exist', async () => {
    expect(await listDir(path.join(dir, 'missing'))).toEqual([]);
    expect(await listDirEntries(path.join(dir, 'missing'))).toEqual([]);
  });

  it('throw other errors (a file is not a directory)', async () => {
    const file = path.join(dir, 'a.txt');
    await fs.writeFile(file, 'x');
    await expect(listDir(file)).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
