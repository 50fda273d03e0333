import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument, splitSections } from './front-matter.js';
import { StoragePathError } from './paths.js';
import { traceBaseName, TraceWriter, type TraceRecord } from './traces.js';
import { useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();
const T = 1_700_000_000_000; // 2023-11-14T22:13:20Z, base36 "loyw3v28"

function record(overrides: Partial<TraceRecord> = {}): TraceRecord {
  return { timestamp: T, role: 'manager', attempt: 'primary', model: 'gpt-x', sessionId: 'mimikit-manager-1', ok: true, elapsedMs: 42, prompt: 'the prompt', output: 'the output', ...overrides };
}

describe('traceBaseName', () => {
  it('is the 9-char base36 ms timestamp, then role and attempt codes', () => {
    expect(traceBaseName(T, 'manager', 'primary')).toBe('0loyw3v28mp');
    expect(traceBaseName(T, 'manager', 'feedback')).toBe('0loyw3v28mf');
    expect(traceBaseName(T, 'worker', 'normal')).toBe('0loyw3v28wn');
    expect(traceBaseName(1, 'worker', 'primary')).toBe('000000001wp');
  });
});

describe('TraceWriter', () => {
  it('writes traces/<day>/<name>.txt with front matter and sections', async () => {
    const paths = await newPaths();
    const writer = new TraceWriter(paths);
    const rel = await writer.writeTrace(record({ role: 'worker', attempt: 'normal', taskId: 't-1', usage: { input: 3, output: 4 } }));
    expect(rel).toBe('traces/2023-11-14/0loyw3v28wn.txt');
    const { data, body } = parseDocument(await fs.readFile(path.join(paths.root, rel), 'utf8'));
    expect(data).toEqual({
      timestamp: '2023-11-14T22:13:20.000Z',
      role: 'worker',
      attempt: 'normal',
      model: 'gpt-x',
      task_id: 't-1',
      session_id: 'mimikit-manager-1',
      ok: true,
      elapsed_ms: 42,
      usage: '{"input":3,"output":4}',
    });
    expect(splitSections(body, ['PROMPT', 'OUTPUT', 'ERROR'])).toEqual({ PROMPT: 'the prompt', OUTPUT: 'the output' });
  });

  it('adds the error to the front matter and an ERROR section', async () => {
    const paths = await newPaths();
    const rel = await new TraceWriter(paths).writeTrace(record({ ok: false, output: '', error: 'TimeoutError: 30s', errorDetail: 'TimeoutError: 30s\n    at call' }));
    const { data, body } = parseDocument(await fs.readFile(path.join(paths.root, rel), 'utf8'));
    expect(data).toMatchObject({ ok: false, error: 'TimeoutError: 30s' });
    expect(splitSections(body, ['PROMPT', 'OUTPUT', 'ERROR'])).toEqual({ PROMPT: 'the prompt', OUTPUT: '', ERROR: 'TimeoutError: 30s\n    at call' });
  });

  it('never overwrites: calls in the same millisecond get -1, -2', async () => {
    const paths = await newPaths();
    const writer = new TraceWriter(paths);
    const rels = await Promise.all([0, 1, 2].map((n) => writer.writeTrace(record({ output: `out ${n}` }))));
    expect([...rels].sort()).toEqual(['traces/2023-11-14/0loyw3v28mp-1.txt', 'traces/2023-11-14/0loyw3v28mp-2.txt', 'traces/2023-11-14/0loyw3v28mp.txt']);
    const outputs = await Promise.all(rels.map(async (r) => splitSections(parseDocument(await fs.readFile(path.join(paths.root, r), 'utf8')).body, ['PROMPT', 'OUTPUT']).OUTPUT));
    expect(outputs).toEqual(['out 0', 'out 1', 'out 2']);
  });

  it('refuses an unsafe task id', async () => {
    const paths = await newPaths();
    await expect(new TraceWriter(paths).writeTrace(record({ taskId: '../x' }))).rejects.toThrow(StoragePathError);
  });
});
