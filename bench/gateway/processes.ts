/**
 * Child processes of the benchmark: spawn a Node script, wait for the line announcing its URL, and stop
 * every child (SIGTERM, then SIGKILL) on completion, error, SIGINT or exit. Temp dirs are removed too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import fs from 'node:fs/promises';

export interface ChildSpec {
  name: string;
  /** Node flags and script arguments, e.g. `['bin/run-ts.mjs', 'x.ts', '--port', '0']`. */
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Captures the URL from stdout (first group). */
  ready: RegExp;
  timeoutMs?: number;
}

export interface Child {
  name: string;
  url: string;
  process: ChildProcess;
  /** Everything the child wrote to stderr so far. */
  stderr(): string;
}

const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export function trackTempDir(dir: string): void {
  tempDirs.add(dir);
}

export function startChild(spec: ChildSpec): Promise<Child> {
  const proc = spawn(process.execPath, spec.args, { cwd: spec.cwd, env: spec.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  proc.once('exit', () => children.delete(proc));
  let stderr = '';
  proc.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
  });
  return new Promise<Child>((resolve, reject) => {
    let out = '';
    let ready = false;
    const timer = setTimeout(() => fail(new Error(`${spec.name}: not ready after ${spec.timeoutMs ?? 30_000} ms\n${stderr}`)), spec.timeoutMs ?? 30_000);
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(new Error(`${spec.name} exited early (code ${code}, signal ${signal}):\n${stderr}`));
    const fail = (e: Error): void => {
      clearTimeout(timer);
      proc.off('exit', onExit);
      reject(e);
    };
    proc.once('exit', onExit);
    proc.stdout?.on('data', (c: Buffer) => {
      if (ready) return; // keep draining the pipe, stop collecting
      out += c.toString();
      const m = spec.ready.exec(out);
      if (m?.[1]) {
        ready = true;
        clearTimeout(timer);
        proc.off('exit', onExit);
        resolve({ name: spec.name, url: m[1], process: proc, stderr: () => stderr });
      }
    });
  });
}

function waitExit(proc: ChildProcess, ms: number): Promise<boolean> {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** SIGTERM every child, SIGKILL the ones still alive after `graceMs`; then remove the temp dirs. */
export async function stopAll(graceMs = 5_000): Promise<void> {
  const all = [...children];
  await Promise.all(
    all.map(async (proc) => {
      proc.kill('SIGTERM');
      if (!(await waitExit(proc, graceMs))) {
        proc.kill('SIGKILL');
        await waitExit(proc, 1_000);
      }
    }),
  );
  await Promise.all([...tempDirs].map((d) => fs.rm(d, { recursive: true, force: true })));
  tempDirs.clear();
}

/** Last resort on process exit: synchronous SIGKILL and removal. */
function killSync(): void {
  for (const proc of children) proc.kill('SIGKILL');
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
}

/** Installs the exit / SIGINT / SIGTERM handlers that stop the children. */
export function installCleanupHandlers(): void {
  process.once('exit', killSync);
  const onSignal = (signal: NodeJS.Signals): void => {
    process.stderr.write(`\n${signal}: stopping children\n`);
    void stopAll(2_000).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
}
