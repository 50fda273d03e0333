import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendJsonLine, readAllJsonLines, type CorruptLine } from './jsonl.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'jsonl-'));
});
afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

describe('jsonl', () => {
  it('reports a corrupt line with its index among lines and keeps reading', async () => {
    const file = path.join(dir, 'a.jsonl');
    await fs.writeFile(file, '{"a":1}\n{"a":2}\n{oops\n{"a":3}\n');
    const bad: CorruptLine[] = [];
    expect(await readAllJsonLines(file, (c) => bad.push(c))).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect(bad.map((b) => b.line)).toEqual([2]);
  });

  it('a torn last line is terminated before the next append, so the new record survives', async () => {
    const file = path.join(dir, 'b.jsonl');
    await fs.writeFile(file, '{"a":1}\n{"a":2, "tor');
    await appendJsonLine(file, { a: 3 });
    const bad: CorruptLine[] = [];
    expect(await readAllJsonLines(file, (c) => bad.push(c))).toEqual([{ a: 1 }, { a: 3 }]);
    expect(bad).toHaveLength(1);
  });

  it('a read error ends the iteration with the error instead of hanging', async () => {
    const file = path.join(dir, 'is-a-dir.jsonl');
    await fs.mkdir(file);
    await expect(readAllJsonLines(file)).rejects.toThrow(/EISDIR/);
  });

  it('a missing file reads as empty', async () => {
    expect(await readAllJsonLines(path.join(dir, 'none.jsonl'))).toEqual([]);
  });
});
