/** Test helpers: temp work dirs (removed after each test) and valid model records. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { SNAPSHOT_VERSION, type HistoryMessage, type RuntimeSnapshot, type Task, type TaskResult } from '../../model/index.js';
import { StatePaths } from '../paths.js';

/** Call at module level of a test file; returns a factory of fresh `StatePaths` in temp dirs. */
export function useTempWorkDirs(): () => Promise<StatePaths> {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-storage-'));
    dirs.push(dir);
    return new StatePaths(dir);
  };
}

export function makeMessage(id: string, overrides: Partial<HistoryMessage> = {}): HistoryMessage {
  return { id, role: 'user', text: `text of ${id}`, createdAt: '2024-05-01T10:00:00.000Z', ...overrides };
}

export function makeTask(overrides: Partial<Task> = {}): Task {
  return {
    id: 't-b1-0',
    fingerprint: 'fp',
    prompt: 'Find the weather',
    title: 'Hello World',
    profile: 'standard',
    status: 'running',
    createdAt: '2024-05-01T09:00:00.000Z',
    startedAt: '2024-05-01T09:00:01.000Z',
    attempts: 1,
    ...overrides,
  };
}

export function makeResult(overrides: Partial<TaskResult> = {}): TaskResult {
  return {
    taskId: 't-b1-0',
    status: 'succeeded',
    ok: true,
    output: 'Sunny, 21 °C',
    durationMs: 1234,
    completedAt: '2024-05-01T23:59:59.000Z',
    attempts: 1,
    usage: { input: 10, output: 5, total: 15 },
    ...overrides,
  };
}

export function makeSnapshot(overrides: Partial<RuntimeSnapshot> = {}): RuntimeSnapshot {
  return {
    version: SNAPSHOT_VERSION,
    queues: { inputsCursor: 0, resultsCursor: 0 },
    managerTurn: 0,
    managerSessionId: 'mimikit-manager-test',
    tasks: [],
    cronJobs: [],
    ...overrides,
  };
}

/** Appends raw text (e.g. a torn line without its newline), as a crash mid-append would leave it. */
export async function appendRaw(file: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.appendFile(file, text);
}

/** The file's non-empty lines. */
export async function fileLines(file: string): Promise<string[]> {
  return (await fs.readFile(file, 'utf8')).split('\n').filter((l) => l.length > 0);
}
