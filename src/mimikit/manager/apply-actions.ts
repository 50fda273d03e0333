/**
 * Applies a committed batch record to the state. Idempotent by id (create_task #k of batch B is task or
 * job `t-B-k`; an id that exists is skipped), so recovery can apply a record again after a crash. The
 * messages it returns have deterministic ids too (a repeated line reads as one).
 */
import type { Logger } from '../../shared/logger.js';
import { isActionName, parseActionArgs, type ActionArgs } from '../actions/index.js';
import { isTerminal, type BatchRecord, type HistoryMessage, type RuntimeSnapshot } from '../model/index.js';
import type { PersonaStore } from '../storage/index.js';
import { systemMessage } from './system-messages.js';
import { taskFingerprint } from './task-keys.js';
import type { PostCommitEffect } from './types.js';

export interface ApplyContext {
  state: RuntimeSnapshot;
  persona: PersonaStore;
  /** The agent reply's createdAt: every record the batch creates carries it. */
  createdAt: string;
  /** Recovery skips what only makes sense once (restart, compression). */
  recovering: boolean;
  logger: Logger;
}

export interface ApplyOutcome {
  messages: HistoryMessage[];
  effects: PostCommitEffect[];
  changedTaskIds: string[];
}

export const actionTaskId = (batchId: string, k: number) => `t-${batchId}-${k}`;

export function isValidTimeZone(zone: string | undefined): zone is string {
  if (zone === undefined || zone.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export async function applyBatchRecord(record: BatchRecord, ctx: ApplyContext): Promise<ApplyOutcome> {
  const out: ApplyOutcome = { messages: [], effects: [], changedTaskIds: [] };
  const sys = (suffix: string, summary: string, name: string, payload: Record<string, unknown>) =>
    out.messages.push(systemMessage(`sys-${record.id}-${suffix}`, ctx.createdAt, 'user', summary, name, payload));
  for (const [index, raw] of record.actions.entries()) {
    const k = index + 1;
    const parsed = isActionName(raw.name) ? parseActionArgs(raw.name, raw.attrs) : undefined;
    if (!parsed?.ok) {
      ctx.logger.error({ batchId: record.id, action: raw.name }, 'a committed action no longer parses; skipped');
      continue;
    }
    const action: ActionArgs = parsed.args;
    switch (action.name) {
      case 'create_task': {
        const id = actionTaskId(record.id, k);
        if (ctx.state.tasks.some((t) => t.id === id) || ctx.state.cronJobs.some((j) => j.id === id)) break;
        const base = { id, prompt: action.prompt, title: action.title, profile: action.profile, createdAt: ctx.createdAt };
        if (action.cron !== undefined || action.scheduledAt !== undefined) {
          const timeZone = action.cron !== undefined && isValidTimeZone(record.timeZone) ? record.timeZone : undefined;
          ctx.state.cronJobs.push({ ...base, enabled: true, ...(action.cron !== undefined ? { cron: action.cron } : { scheduledAt: action.scheduledAt }), ...(timeZone ? { timeZone } : {}) });
          const when = action.cron !== undefined ? `cron ${action.cron}${timeZone ? ` (${timeZone})` : ''}` : `at ${action.scheduledAt}`;
          sys(`${k}-scheduled`, `Scheduled · ${action.title} · ${when}`, 'task_scheduled', { task_id: id, title: action.title, ...(action.cron ? { cron: action.cron } : { scheduled_at: action.scheduledAt }), ...(timeZone ? { time_zone: timeZone } : {}) });
          out.effects.push({ kind: 'schedule_changed' });
        } else {
          ctx.state.tasks.push({ ...base, fingerprint: taskFingerprint(action), status: 'pending', attempts: 0, batchId: record.id });
          sys(`${k}-created`, `Task created · ${action.title}`, 'task_created', { task_id: id, title: action.title, profile: action.profile, status: 'pending' });
          out.effects.push({ kind: 'start_task', taskId: id });
        }
        out.changedTaskIds.push(id);
        break;
      }
      case 'cancel_task': {
        const task = ctx.state.tasks.find((t) => t.id === action.id);
        if (task && !isTerminal(task.status)) {
          task.cancel ??= { source: 'manager' };
          out.effects.push({ kind: 'cancel_task', taskId: task.id, info: task.cancel });
          out.changedTaskIds.push(task.id);
          break;
        }
        const job = ctx.state.cronJobs.find((j) => j.id === action.id);
        if (job?.enabled) {
          job.enabled = false;
          job.disabledReason = 'canceled';
          sys(`${k}-unscheduled`, `Scheduled task canceled · ${job.title}`, 'cron_canceled', { task_id: job.id, title: job.title });
          out.effects.push({ kind: 'schedule_changed' });
          out.changedTaskIds.push(job.id);
        }
        break;
      }
      case 'summarize_task_result': {
        const task = ctx.state.tasks.find((t) => t.id === action.taskId);
        if (task?.result) task.result.output = action.summary;
        break;
      }
      case 'update_profile':
        try {
          await ctx.persona.updateUserProfile(action.text);
          sys(`${k}-profile`, 'User profile updated', 'profile_updated', {});
        } catch (e) {
          ctx.logger.error({ err: e, batchId: record.id }, 'cannot write the user profile');
          sys(`${k}-profile`, `Could not update the user profile: ${(e as Error).message}`, 'profile_update_failed', {});
        }
        break;
      case 'update_persona':
        try {
          const update = await ctx.persona.updatePersona(action.text);
          sys(`${k}-persona`, 'Persona updated', 'persona_updated', update.versionPath ? { previous_version: update.versionPath } : {});
        } catch (e) {
          ctx.logger.error({ err: e, batchId: record.id }, 'cannot write the persona');
          sys(`${k}-persona`, `Could not update the persona: ${(e as Error).message}`, 'persona_update_failed', {});
        }
        break;
      case 'compress_context':
        if (!ctx.recovering) out.effects.push({ kind: 'compress' });
        break;
      case 'restart_server':
        if (!ctx.recovering) {
          sys(`${k}-restart`, 'Restarting…', 'restart_requested', {});
          out.effects.push({ kind: 'restart' });
        }
        break;
      case 'query_history':
        break; // never committed
    }
  }
  return out;
}
