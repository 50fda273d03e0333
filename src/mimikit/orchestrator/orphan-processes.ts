/**
 * Start-up, before any task runs again: the shell process groups an interrupted task left running when
 * the runtime died (its `tool_process` records without a `tool_process_end`) are killed, so the task's
 * re-run never runs beside its old command. Only groups whose leader is confirmed to be the recorded
 * process are touched (`identifyToolProcess`); each one killed gets its `tool_process_end`.
 */
import type { Logger } from '../../shared/logger.js';
import type { ProgressStore } from '../storage/index.js';
import { identifyToolProcess, killGroupAndWait, openToolProcesses, type ProcessProbeOptions, type ToolProcessRecord } from '../worker/index.js';

export const ORPHAN_KILLED_REASON = 'orphan killed at start-up';

export interface KilledProcessGroup {
  taskId: string;
  pgid: number;
  command: string;
  /** The live members found just before the kill. */
  members: number[];
  /** From SIGKILL to the group being gone. */
  waitedMs: number;
}

export interface OrphanKillOptions extends ProcessProbeOptions {
  /** How long to wait for a killed group to be gone (default 2 s). */
  waitMs?: number;
}

export async function killOrphanedToolProcesses(taskIds: readonly string[], progress: ProgressStore, logger: Logger, options: OrphanKillOptions = {}): Promise<KilledProcessGroup[]> {
  const perTask = await Promise.all(taskIds.map((taskId) => killTaskOrphans(taskId, progress, logger, options)));
  return perTask.flat();
}

async function killTaskOrphans(taskId: string, progress: ProgressStore, logger: Logger, options: OrphanKillOptions): Promise<KilledProcessGroup[]> {
  let records: ToolProcessRecord[];
  try {
    records = openToolProcesses(await progress.readProgress(taskId), (problem) => logger.warn({ taskId, problem }, 'skipped an invalid process record'));
  } catch (e) {
    logger.error({ err: e, taskId }, 'cannot read task progress: its leftover processes (if any) are not checked');
    return [];
  }
  const killed: KilledProcessGroup[] = [];
  for (const record of records) {
    const { pgid, pid, command } = record;
    const identity = await identifyToolProcess(record, options);
    if (identity.verdict !== 'ours') {
      const log = identity.verdict === 'unknown' ? logger.warn.bind(logger) : logger.info.bind(logger);
      log({ taskId, pgid, pid, verdict: identity.verdict, detail: identity.detail }, 'recorded tool process not killed: not confirmed as ours');
      continue;
    }
    const { gone, members, waitedMs } = await killGroupAndWait(pgid, { ...options, timeoutMs: options.waitMs ?? 2_000 });
    if (!gone) {
      // SIGKILL is pending on it; the record stays open so the next start-up checks again.
      logger.error({ taskId, pgid, pid, command, members, waitedMs }, 'an orphaned tool process group is still alive after SIGKILL');
      continue;
    }
    logger.warn({ taskId, pgid, pid, command, members, waitedMs, identity: identity.detail }, 'killed an orphaned tool process group at start-up');
    try {
      await progress.appendProgress(taskId, { type: 'tool_process_end', payload: { pgid, reason: ORPHAN_KILLED_REASON } });
    } catch (e) {
      logger.warn({ err: e, taskId, pgid }, 'cannot record the end of a killed process group');
    }
    killed.push({ taskId, pgid, command, members, waitedMs });
  }
  return killed;
}
