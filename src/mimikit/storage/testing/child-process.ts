/** Test helper: a child process speaking JSON lines on stdout, started through `bin/run-ts.mjs`. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

export interface JsonChild {
  process: ChildProcessWithoutNullStreams;
  /** The next JSON line the child prints. Rejects if the child exits first. */
  next(): Promise<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

export function startTsChild(script: string, args: string[]): JsonChild {
  const child = spawn(process.execPath, ['bin/run-ts.mjs', script, ...args], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const queue: Array<Record<string, unknown>> = [];
  const waiters: Array<{ resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }> = [];
  let ended = false;
  readline.createInterface({ input: child.stdout }).on('line', (line) => {
    const value = JSON.parse(line) as Record<string, unknown>;
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(value);
    else queue.push(value);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      ended = true;
      for (const w of waiters.splice(0)) w.reject(new Error(`child exited (${code ?? signal}) before printing; stderr: ${stderr}`));
      resolve({ code, signal });
    });
  });
  return {
    process: child,
    exited,
    stderr: () => stderr,
    next: () => {
      const value = queue.shift();
      if (value) return Promise.resolve(value);
      if (ended) return Promise.reject(new Error(`child already exited; stderr: ${stderr}`));
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
  };
}

/** A pid that certainly belongs to no running process: a child that has already exited. */
export async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  await new Promise((resolve) => child.on('close', resolve));
  if (pid === undefined) throw new Error('could not spawn');
  return pid;
}
