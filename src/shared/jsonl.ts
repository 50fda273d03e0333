/**
 * JSONL files: appends of one complete line under a lock, and streaming reads (stream-json) that skip a
 * torn or corrupt line instead of failing. A crash mid-append leaves a torn last line without its
 * newline; the next append first terminates it, so the torn fragment can never swallow a new record.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { withFileLock } from './file-lock.js';

const require = createRequire(import.meta.url);
// stream-json is CommonJS; its jsonl parser has no ESM entry point.
const { parser: jsonlParser } = require('stream-json/jsonl/Parser') as {
  parser: (options: { errorIndicator: (error: Error, input: string) => unknown }) => NodeJS.ReadWriteStream;
};

export interface CorruptLine {
  file: string;
  /** 0-based index of the line among non-empty lines. */
  line: number;
  preview: string;
  error: string;
}

export type CorruptLineHandler = (info: CorruptLine) => void;

/** Appends records as complete lines (one write), under the file's lock. */
export async function appendJsonLines(file: string, records: unknown[], options: { fsync?: boolean } = {}): Promise<void> {
  if (records.length === 0) return;
  const text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  await withFileLock(file, async () => {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    const handle = await fsp.open(file, 'a+');
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 10) prefix = '\n'; // terminate a torn line left by a crash
      }
      await handle.appendFile(prefix + text);
      if (options.fsync !== false) await handle.sync();
    } finally {
      await handle.close();
    }
  });
}

export async function appendJsonLine(file: string, record: unknown, options: { fsync?: boolean } = {}): Promise<void> {
  await appendJsonLines(file, [record], options);
}

/**
 * Streams the records of a JSONL file in order. A missing file yields nothing; a corrupt line is
 * reported to `onCorrupt` and skipped.
 */
export async function* readJsonLines(file: string, onCorrupt?: CorruptLineHandler): AsyncGenerator<unknown> {
  let input: fs.ReadStream;
  try {
    await fsp.access(file);
    input = fs.createReadStream(file);
  } catch {
    return;
  }
  // The parser runs ahead of the consumer, so a bad line's index is counted inside it: good lines it has
  // emitted so far (stream-json's own counter) plus bad lines seen so far.
  let bad = 0;
  const parser = jsonlParser({
    errorIndicator: (error: Error, text: string) => {
      const good = (parser as unknown as { _counter: number })._counter;
      onCorrupt?.({ file, line: good + bad++, preview: text.slice(0, 120), error: error.message });
      return undefined;
    },
  });
  // A read error (EACCES, EISDIR, EIO) must end the iteration with that error, not hang it.
  input.on('error', (e) => (parser as unknown as Readable).destroy(e));
  const stream = input.pipe(parser) as unknown as Readable;
  try {
    for await (const item of stream as AsyncIterable<{ key: number; value: unknown }>) {
      yield item.value;
    }
  } finally {
    input.destroy();
  }
}

/** Reads a whole JSONL file into an array (streaming, tolerant). */
export async function readAllJsonLines(file: string, onCorrupt?: CorruptLineHandler): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const r of readJsonLines(file, onCorrupt)) out.push(r);
  return out;
}
