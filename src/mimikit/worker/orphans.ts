/**
 * Process groups a crashed runtime left behind: the shell tool's `tool_process` records without a
 * `tool_process_end`. A recorded group is only ever killed when its leader is confirmed to be the very
 * process that was recorded:
 * - with `/proc` (Linux): the pid exists (a zombie leader counts: it still holds the group) and its
 *   start time — and the boot id, when both are known — equal the recorded ones;
 * - without `/proc` (or a record without a start time): the weaker check of `ps`: the pid exists, leads
 *   the recorded group, and runs the recorded command. A reused pid that happens to lead a group of its
 *   own running the same command would pass it.
 * Known limit: when the leader has ended and was reaped while other members live on, the group cannot
 * be confirmed and is left alone.
 */
import { execFile } from 'node:child_process';
import { z } from 'zod';
import { killProcessGroup } from './tools/shell.js';
import { PROC_ROOT, bootId, liveGroupMembers, procAvailable, readProcStat } from './tools/proc-stat.js';
import type { ToolProcessRecord } from './tools/types.js';

export const toolProcessRecordSchema = z.object({
  pid: z.number().int().positive(),
  pgid: z.number().int().min(2),
  startTime: z.number().int().nonnegative().optional(),
  bootId: z.string().min(1).optional(),
  command: z.string(),
});
const toolProcessEndSchema = z.object({ pgid: z.number().int() });

/** The `tool_process` records of one task's progress without a later `tool_process_end` of their group. */
export function openToolProcesses(events: ReadonlyArray<{ type: string; payload: Record<string, unknown> }>, onInvalid?: (problem: string) => void): ToolProcessRecord[] {
  const open = new Map<number, ToolProcessRecord>();
  events.forEach((event, index) => {
    if (event.type !== 'tool_process' && event.type !== 'tool_process_end') return;
    const schema = event.type === 'tool_process' ? toolProcessRecordSchema : toolProcessEndSchema;
    const parsed = schema.safeParse(event.payload);
    if (!parsed.success) return onInvalid?.(`progress event #${index} (${event.type}): ${parsed.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`).join('; ')}`);
    if (event.type === 'tool_process') open.set(parsed.data.pgid, parsed.data as ToolProcessRecord);
    else open.delete(parsed.data.pgid);
  });
  return [...open.values()];
}

/** `ours`: the recorded leader itself; `gone`: no such process; `other`: the pid is another process now; `unknown`: cannot tell. */
export type Identity = { verdict: 'ours' | 'gone' | 'other' | 'unknown'; detail: string };

export interface ProcessProbeOptions {
  /** Default `/proc`; tests point it at a fake or missing tree. */
  procRoot?: string;
}

export async function identifyToolProcess(record: ToolProcessRecord, options: ProcessProbeOptions = {}): Promise<Identity> {
  const procRoot = options.procRoot ?? PROC_ROOT;
  if (record.startTime === undefined || !(await procAvailable(procRoot))) return identifyWithPs(record);
  const boot = await bootId(procRoot);
  if (record.bootId && boot && record.bootId !== boot) return { verdict: 'gone', detail: 'recorded in an earlier boot' };
  const stat = await readProcStat(record.pid, procRoot);
  if (!stat) return { verdict: 'gone', detail: `no process ${record.pid}` };
  if (stat.startTime !== record.startTime) return { verdict: 'other', detail: `pid ${record.pid} started at tick ${stat.startTime}, not ${record.startTime}: a reused pid` };
  return { verdict: 'ours', detail: `pid ${record.pid} started at tick ${stat.startTime} (state ${stat.state})` };
}

/** The weaker check where `/proc` is missing: `ps` must show the pid leading the recorded group and running the command. */
function identifyWithPs(record: ToolProcessRecord): Promise<Identity> {
  return new Promise((resolve) => {
    execFile('ps', ['-ww', '-o', 'pgid=', '-o', 'args=', '-p', String(record.pid)], { timeout: 5_000 }, (error, stdout) => {
      const line = stdout.split('\n').find((l) => l.trim() !== '');
      if (!line) {
        // ps exits 1 for a pid it does not list; any other failure leaves the question open.
        const code = (error as (Error & { code?: unknown }) | null)?.code;
        return resolve(error && code !== 1 ? { verdict: 'unknown', detail: `ps failed: ${error.message}` } : { verdict: 'gone', detail: `no process ${record.pid}` });
      }
      const match = /^\s*(\d+)\s+(.*)$/.exec(line);
      if (!match) return resolve({ verdict: 'unknown', detail: `unreadable ps line: ${line}` });
      if (Number(match[1]) !== record.pgid) return resolve({ verdict: 'other', detail: `pid ${record.pid} is in group ${match[1]}` });
      const head = commandHead(record.command);
      const args = match[2] ?? '';
      if (head === '' || !args.includes(head)) return resolve({ verdict: 'other', detail: `pid ${record.pid} runs ${JSON.stringify(args.slice(0, 200))}` });
      return resolve({ verdict: 'ours', detail: `pid ${record.pid} leads group ${record.pgid} running the recorded command (no start time to compare)` });
    });
  });
}

/** What `ps` shows of a command for sure: its text up to the first character ps may print differently. */
function commandHead(command: string): string {
  const stop = command.search(/[^\x20-\x7e]/);
  return (stop < 0 ? command : command.slice(0, stop)).slice(0, 200).trim();
}

/**
 * SIGKILLs the group and waits (bounded) until none of it is alive; zombies count as gone (an init that
 * does not reap leaves them forever). Without `/proc`, "gone" means no member left at all, zombies included.
 */
export async function killGroupAndWait(pgid: number, options: ProcessProbeOptions & { timeoutMs?: number } = {}): Promise<{ gone: boolean; members: number[]; waitedMs: number }> {
  const procRoot = options.procRoot ?? PROC_ROOT;
  const proc = await procAvailable(procRoot);
  const members = proc ? await liveGroupMembers(pgid, procRoot) : [];
  const started = Date.now();
  killProcessGroup(pgid, 'SIGKILL');
  const deadline = started + (options.timeoutMs ?? 2_000);
  for (;;) {
    const gone = proc ? (await liveGroupMembers(pgid, procRoot)).length === 0 : !groupExists(pgid);
    if (gone || Date.now() >= deadline) return { gone, members, waitedMs: Date.now() - started };
    // A process that is not our child gives no event when it dies: look again shortly.
    await new Promise((r) => setTimeout(r, 20));
  }
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
