/**
 * `shell`: one command through `/bin/sh -c` in the workspace, in its own process group so that a
 * timeout, a cancel or the end of the command takes every process it started down with it.
 *
 * A runtime killed outright (SIGKILL, a crash) cannot kill the group: it would outlive the runtime and run
 * beside the task's re-run. So the group is put on record (`tool_process`) BEFORE the command runs: the
 * shell starts as a gate that waits for `go` on fd 3 and only then execs the command (same pid, same
 * group, same start time). If the runtime dies before `go`, the gate reads EOF and exits unrun. Start-up
 * recovery kills the recorded groups that have no `tool_process_end` (see `worker/orphans.ts`).
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { z } from 'zod';
import { HeadTailBuffer } from './output-cap.js';
import { bootId, processStartTime } from './proc-stat.js';
import { COMMAND_RECORD_CHARS, defineTool, toolError, type ToolContext, type ToolOutput, type ToolProcessRecord } from './types.js';

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

/** Runs `$1` once `go` arrives on fd 3; anything else (EOF: the runtime is gone) ends it unrun (125). */
const GATE_SCRIPT = 'IFS= read -r gate <&3 && [ "$gate" = go ] || exit 125; exec /bin/sh -c "$1" 3<&-';

let currentBootId: Promise<string | undefined> | undefined;

async function processRecord(pid: number, command: string): Promise<ToolProcessRecord> {
  currentBootId ??= bootId();
  const [startTime, boot] = await Promise.all([processStartTime(pid), currentBootId]);
  return {
    pid,
    pgid: pid, // detached: the shell leads a new session and process group
    ...(startTime !== undefined ? { startTime } : {}),
    ...(boot !== undefined ? { bootId: boot } : {}),
    command: command.slice(0, COMMAND_RECORD_CHARS),
  };
}

const argsSchema = z
  .object({
    command: z.string().min(1).describe('The command line, run by /bin/sh -c in the workspace directory.'),
    timeout_ms: z.number().int().positive().optional().describe('Kill the command after this many milliseconds.'),
  })
  .strict();

export async function runShell(command: string, timeoutMs: number, ctx: ToolContext): Promise<ToolOutput> {
  const { limits, signal } = ctx;
  if (signal.aborted) return toolError('not run: the task was aborted');
  const child = spawn('/bin/sh', ['-c', GATE_SCRIPT, 'mimikit-shell', command], {
    cwd: ctx.workspaceDir,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    env: { ...process.env, MIMIKIT_WORKSPACE: ctx.workspaceDir, MIMIKIT_GENERATED_DIR: ctx.generatedDir },
  });
  const output = new HeadTailBuffer(limits.maxOutputBytes);
  child.stdout?.on('data', (c: Buffer) => output.push(c));
  child.stderr?.on('data', (c: Buffer) => output.push(c));
  const gate = child.stdio[3] as Writable | null | undefined;
  gate?.on('error', () => undefined); // the gate shell is already gone (killed): nothing left to let go

  return new Promise<ToolOutput>((resolve) => {
    let stopReason: 'timeout' | 'aborted' | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    let onRecord = false;
    const pgid = child.pid;

    const finish = (result: ToolOutput) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      signal.removeEventListener('abort', onAbort);
      child.stdout?.destroy();
      child.stderr?.destroy();
      gate?.destroy();
      // Every path here has SIGKILLed the group: it is gone (or going), so its record is closed.
      const ended = onRecord && pgid !== undefined ? ctx.progress?.({ type: 'tool_process_end', payload: { pgid } }).catch(() => undefined) : undefined;
      void Promise.resolve(ended).then(() => resolve(result));
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
    /** Puts the group on record, then lets the command run; a group that cannot be recorded is killed unrun. */
    const release = async (leader: number) => {
      if (ctx.progress) {
        try {
          const record = await processRecord(leader, command);
          if (settled) return; // aborted meanwhile: the group is killed and was never let go
          onRecord = true;
          await ctx.progress({ type: 'tool_process', payload: record });
        } catch (e) {
          onRecord = false; // nothing (reliably) on record to close
          killProcessGroup(leader, 'SIGKILL');
          return finish(toolError(`not run: the process could not be put on record (${(e as Error).message ?? String(e)})`));
        }
      }
      if (!settled) gate?.end('go\n', () => gate.destroy());
    };

    if (pgid === undefined) {
      child.once('error', (e) => finish(toolError(`cannot start /bin/sh: ${e.message}`)));
      return;
    }
    child.once('error', (e) => {
      killProcessGroup(pgid, 'SIGKILL');
      finish(toolError(`shell failed: ${e.message}`));
    });
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
    void release(pgid);
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
