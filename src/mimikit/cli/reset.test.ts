import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { emptyWorkDir, ResetRefusedError } from './reset.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('emptyWorkDir', () => {
  it('removes everything but the kept files', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-reset-'));
    await fs.mkdir(path.join(dir, 'history'));
    await fs.writeFile(path.join(dir, 'history', 'a.jsonl'), '{}\n');
    await fs.writeFile(path.join(dir, '.instance.lock'), 'lock');
    await fs.writeFile(path.join(dir, 'runtime-snapshot.json'), '{}');
    await emptyWorkDir(dir, [path.join(dir, '.instance.lock')]);
    expect(await fs.readdir(dir)).toEqual(['.instance.lock']);
  });

  it('refuses a filesystem root and the home directory', async () => {
    await expect(emptyWorkDir('/')).rejects.toThrow(ResetRefusedError);
    await expect(emptyWorkDir(os.homedir())).rejects.toThrow(/home directory/);
  });
});
