/** Spawning `node …` children whose stdout lines the test waits on; every child is killed at cleanup. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface Child {
  proc: ChildProcess;
  /** stdout lines so far. */
  lines: string[];
  stderr(): string;
  /** Resolves with the first stdout line (past or future) matching `re`; rejects on exit or timeout. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and resolves once the process has exited. */
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<Child>();

export const REPO = path.resolve(import.meta.dirname, '../../..');

export function spawnNode(args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const proc = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let err = '';
  let partial = '';
  const waiters = new Set<() => void>();
  proc.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters) w();
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.once('exit', (code, signal) => {
      running.delete(child);
      for (const w of waiters) w();
      resolve({ code, signal });
    }),
  );
  const child: Child = {
    proc,
    lines,
    stderr: () => err,
    exited,
    waitForLine(re, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`timed out waiting for ${re} in stdout:\n${lines.join('\n')}\nstderr:\n${err}`)), timeoutMs);
        const check = () => {
          for (const l of lines) {
            const m = l.match(re);
            if (m) return done(undefined, m);
          }
          if (proc.exitCode !== null || proc.signalCode !== null) done(new Error(`process exited before printing ${re}; stdout:\n${lines.join('\n')}\nstderr:\n${err}`));
        };
        const done = (e: Error | undefined, m?: RegExpMatchArray) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (e) reject(e);
          else resolve(m!);
        };
        waiters.add(check);
        check();
      });
    },
    async kill(signal) {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
  running.add(child);
  return child;
}

/** Kills every child still running (test cleanup). */
export async function killAllChildren(): Promise<void> {
  await Promise.all([...running].map((c) => c.kill('SIGKILL')));
}
