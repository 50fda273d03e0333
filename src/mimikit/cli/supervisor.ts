/**
 * The supervisor: runs the runtime as a child process, forwards SIGINT/SIGTERM/SIGHUP to it, and starts it
 * again when it exits with the restart code (a new runtime, so a new runtimeId). Any other exit ends the
 * supervisor with that code.
 */
import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { EXIT_FAILURE, EXIT_RESTART } from './exit-codes.js';

export interface SupervisorOptions {
  /** The command that runs one runtime: `[executable, ...args]`. */
  command: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** A child that lived shorter than this before asking for a restart is restarted after `restartDelayMs`. */
  quickExitMs?: number;
  restartDelayMs?: number;
  /** Default `inherit`. */
  stdio?: StdioOptions;
  /** Where SIGINT/SIGTERM/SIGHUP come from (default: this process). */
  signals?: EventEmitter;
  /** For tests and logs. */
  onSpawn?: (child: ChildProcess) => void;
  log?: (line: string) => void;
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Resolves with the exit code the supervisor should end with. */
export async function supervise(options: SupervisorOptions): Promise<number> {
  const [executable, ...args] = options.command;
  if (!executable) throw new Error('supervisor: empty command');
  let child: ChildProcess | undefined;
  let stopping = false;
  const forward = (signal: NodeJS.Signals) => {
    stopping = true;
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const source = options.signals ?? process;
  const handlers = FORWARDED.map((signal) => {
    const handler = () => forward(signal);
    source.on(signal, handler);
    return [signal, handler] as const;
  });
  try {
    for (;;) {
      const started = Date.now();
      child = spawn(executable, args, { stdio: options.stdio ?? 'inherit', env: options.env ?? process.env });
      options.onSpawn?.(child);
      const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        (child as ChildProcess).once('error', (e) => {
          options.log?.(`mimikit: cannot start the runtime: ${e.message}`);
          resolve({ code: EXIT_FAILURE, signal: null });
        });
        (child as ChildProcess).once('exit', (c, s) => resolve({ code: c, signal: s }));
      });
      if (code === EXIT_RESTART && !stopping) {
        options.log?.('mimikit: restarting the runtime');
        if (Date.now() - started < (options.quickExitMs ?? 2_000)) await new Promise((r) => setTimeout(r, options.restartDelayMs ?? 1_000));
        if (!stopping) continue;
      }
      if (code !== null) return code === EXIT_RESTART ? 0 : code;
      return 128 + (SIGNAL_NUMBERS[signal as NodeJS.Signals] ?? 0);
    }
  } finally {
    for (const [signal, handler] of handlers) source.off(signal, handler);
  }
}
