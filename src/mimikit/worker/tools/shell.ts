/**
 * `shell`: one command through `/bin/sh -c` in the workspace, in its own process group so that a
 * timeout, a cancel or the end of the command takes every process it started down with it.
 */
import { spawn } from 'node:child_process';
import { z } from 'zod';
import { HeadTailBuffer } from './output-cap.js';
import { defineTool, toolError, type ToolContext, type ToolOutput } from './types.js';

/** Signals the whole process group; a group already gone is fine. */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals): void {
  // kill(-0) or kill(-1) would hit our own group or every process we may signal.
  if (!Number.isInteger(pgid) || pgid <= 1) throw new RangeError(`not a process group id: ${pgid}`);
  try {
    process.kill(-pgid, signal);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ESRCH' && code !== 'EPERM') throw e;
  }
}

/** How long to wait for the output pipes to close once the shell itself has exited. */
const PIPE_DRAIN_MS = 1_000;

const argsSchema = z
  .object({
    command: z.string().min(1).describe('The command line, run by /bin/sh -c in the workspace directory.'),
    timeout_ms: z.number().int().positive().optional().describe('Kill the command after this many milliseconds.'),
  })
  .strict();

export async function runShell(command: string, timeoutMs: number, ctx: ToolContext): Promise<ToolOutput> {
  const { limits, signal } = ctx;
  if (signal.aborted) return toolError('not run: the task was aborted');
  const child = spawn('/bin/sh', ['-c', command], {
    cwd: ctx.workspaceDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MIMIKIT_WORKSPACE: ctx.workspaceDir, MIMIKIT_GENERATED_DIR: ctx.generatedDir },
  });
  const output = new HeadTailBuffer(limits.maxOutputBytes);
  child.stdout.on('data', (c: Buffer) => output.push(c));
  child.stderr.on('data', (c: Buffer) => output.push(c));

  return new Promise<ToolOutput>((resolve) => {
    let stopReason: 'timeout' | 'aborted' | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const pgid = child.pid;

    const finish = (result: ToolOutput) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal.removeEventListener('abort', onAbort);
      child.stdout.destroy();
      child.stderr.destroy();
      resolve(result);
    };
    const report = (): ToolOutput => {
      const text = output.totalBytes > 0 ? output.toString() : '(no output)';
      if (stopReason === 'aborted') return toolError(`${text}\n[aborted: the task was stopped; process group killed]`);
      if (stopReason === 'timeout') return toolError(`${text}\n[timed out after ${timeoutMs} ms; process group killed]`);
      if (exit?.signal) return toolError(`${text}\n[killed by signal ${exit.signal}]`);
      const code = exit?.code ?? -1;
      return { ok: code === 0, content: `${text}\n[exit code: ${code}]` };
    };
    const onAbort = () => {
      stopReason = 'aborted';
      if (pgid !== undefined) killProcessGroup(pgid, 'SIGKILL');
      finish(report());
    };

    if (pgid === undefined) {
      child.once('error', (e) => finish(toolError(`cannot start /bin/sh: ${e.message}`)));
      return;
    }
    child.once('error', (e) => finish(toolError(`shell failed: ${e.message}`)));
    signal.addEventListener('abort', onAbort, { once: true });
    timers.push(
      setTimeout(() => {
        stopReason = 'timeout';
        killProcessGroup(pgid, 'SIGTERM');
        timers.push(setTimeout(() => killProcessGroup(pgid, 'SIGKILL'), limits.killGraceMs));
      }, timeoutMs),
    );
    child.once('exit', (code, sig) => {
      exit = { code, signal: sig };
      // Whatever the command left running in its group ends with it.
      killProcessGroup(pgid, 'SIGKILL');
      // A process that left the group may still hold the pipes: do not wait for it forever.
      timers.push(setTimeout(() => finish(report()), PIPE_DRAIN_MS));
    });
    child.once('close', () => finish(report()));
  });
}

export const shellTool = defineTool(
  'shell',
  'Run a shell command (/bin/sh -c) in the workspace directory. stdin is empty; stdout and stderr are returned together, ' +
    'capped (head and tail kept). Processes left running in the background are killed when the command exits. ' +
    'Environment: MIMIKIT_WORKSPACE, MIMIKIT_GENERATED_DIR (files for the user go there).',
  argsSchema,
  (args, ctx) => runShell(args.command, Math.min(args.timeout_ms ?? ctx.limits.shellTimeoutMs, ctx.limits.shellMaxTimeoutMs), ctx),
);
