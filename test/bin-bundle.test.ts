/** bin/bundle.mjs: the CLI bundle is built when missing, reused while fresh, rebuilt when a source or directory changes. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain ESM module of the bin folder, without type declarations
import { ensureBundle } from '../bin/bundle.mjs';

const build = ensureBundle as (name: string, entry: string, sourceDirs: string[], root: string) => Promise<string>;

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'bundle-'));
  await fs.mkdir(path.join(root, 'src/app'), { recursive: true });
  await fs.writeFile(path.join(root, 'src/app/main.ts'), "import { greet } from './greet.js';\nexport const out: string = greet('one');\n");
  await fs.writeFile(path.join(root, 'src/app/greet.ts'), 'export function greet(who: string): string {\n  return `hello ${who}`;\n}\n');
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const past = (file: string, secondsAgo: number) => fs.utimes(file, new Date(Date.now() - secondsAgo * 1000), new Date(Date.now() - secondsAgo * 1000));

describe('ensureBundle', () => {
  it('builds one runnable module from the TypeScript sources', async () => {
    const url = await build('app', 'src/app/main.ts', ['src/app'], root);
    expect(url).toBe(new URL(`file://${path.join(root, 'dist/app.mjs')}`).href);
    const mod = (await import(url)) as { out: string };
    expect(mod.out).toBe('hello one');
    expect(await fs.readdir(path.join(root, 'dist'))).toEqual(['app.mjs']); // no temp file left
  });

  it('reuses a fresh bundle and rebuilds after a source file or the set of files changed', async () => {
    const out = path.join(root, 'dist/app.mjs');
    for (const p of ['src/app/main.ts', 'src/app/greet.ts', 'src/app', 'src']) await past(path.join(root, p), 60);
    await build('app', 'src/app/main.ts', ['src/app'], root);
    await past(out, 30);
    const builtAt = (await fs.stat(out)).mtimeMs;

    await build('app', 'src/app/main.ts', ['src/app'], root);
    expect((await fs.stat(out)).mtimeMs).toBe(builtAt);

    await fs.writeFile(path.join(root, 'src/app/greet.ts'), 'export function greet(who: string): string {\n  return `bye ${who}`;\n}\n');
    await build('app', 'src/app/main.ts', ['src/app'], root);
    expect(await fs.readFile(out, 'utf8')).toContain('bye');

    await past(out, 10);
    await past(path.join(root, 'src/app/greet.ts'), 20);
    await fs.writeFile(path.join(root, 'src/app/unused.ts'), 'export {};\n');
    await past(path.join(root, 'src/app/unused.ts'), 20);
    await build('app', 'src/app/main.ts', ['src/app'], root); // the directory changed: rebuilt
    expect((await fs.stat(out)).mtimeMs).toBeGreaterThan(Date.now() - 5_000);
  });

  it('reports a source that does not compile, leaving no partial bundle', async () => {
    await fs.writeFile(path.join(root, 'src/app/main.ts'), 'export const = ;\n');
    await expect(build('app', 'src/app/main.ts', ['src/app'], root)).rejects.toThrow(/Build failed|Expected/);
    expect(await fs.readdir(path.join(root, 'dist')).catch(() => [])).toEqual([]);
  });
});
