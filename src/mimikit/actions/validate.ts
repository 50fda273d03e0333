/**
 * Turns parsed tags into typed actions, or into feedback the model gets in its next round: unknown
 * names, bad arguments (schema), and actions the current state rejects (past times, unknown ids…).
 */
import { Cron } from 'croner';
import { isTerminal, type TaskStatus } from '../model/tasks.js';
import { parseIsoWithZone } from './iso-time.js';
import type { ParsedAction } from './parse.js';
import { ACTION_NAMES, actionSpecs, isActionName, parseActionArgs, type ActionArgs } from './schemas.js';

export type FeedbackError = 'unregistered_action' | 'invalid_action_args' | 'action_execution_rejected';

export interface FeedbackItem {
  action: string;
  error: FeedbackError;
  /** How to fix it, addressed to the model. */
  hint: string;
  /** The tag as written. */
  attempted: string;
}

/** A typed action plus what the batch record stores (`{name, attrs}`) and the tag as written. */
export type ManagerAction = ActionArgs & { attrs: Record<string, string>; raw: string };

export interface ValidationContext {
  /** Status of a task by id; undefined = no such task. */
  taskStatus(id: string): TaskStatus | undefined;
  /** Whether a cron job is enabled; undefined = no such job. */
  cronJobEnabled(id: string): boolean | undefined;
  now: Date;
  /** Actions past this many in one reply are rejected. */
  maxActions: number;
}

/** A `scheduled_at` this close in the past still counts (the model's clock arithmetic is coarse). */
const SCHEDULE_GRACE_MS = 5_000;

export function validateActions(actions: readonly ParsedAction[], ctx: ValidationContext): { accepted: ManagerAction[]; feedback: FeedbackItem[] } {
  const accepted: ManagerAction[] = [];
  const feedback: FeedbackItem[] = [];
  const seen = new Set<string>();
  const report = (item: FeedbackItem) => {
    const key = `${item.error}\n${item.attempted}`;
    if (seen.has(key)) return;
    seen.add(key);
    feedback.push(item);
  };
  actions.forEach((action, index) => {
    const item = (error: FeedbackError, hint: string): FeedbackItem => ({ action: action.name, error, hint, attempted: action.raw });
    if (index >= ctx.maxActions) {
      report(item('action_execution_rejected', `Too many actions in one reply (at most ${ctx.maxActions}); this one was not applied. Send it again in a later reply if it is still needed.`));
      return;
    }
    if (!isActionName(action.name)) {
      report(item('unregistered_action', `"${action.name}" is not an action. Valid actions: ${ACTION_NAMES.join(', ')}.`));
      return;
    }
    const spec = actionSpecs[action.name];
    if (action.syntaxError !== undefined) {
      report(item('invalid_action_args', `Malformed tag (${action.syntaxError}). Write attributes as name="value" and escape quotes inside values as \\". Example: ${spec.example}`));
      return;
    }
    const parsed = parseActionArgs(action.name, action.attrs, action.content);
    if (!parsed.ok) {
      report(item('invalid_action_args', `${parsed.problems.join('; ')}. Example: ${spec.example}`));
      return;
    }
    const rejection = rejectionOf(parsed.args, ctx);
    if (rejection !== undefined) {
      report(item('action_execution_rejected', rejection));
      return;
    }
    accepted.push({ ...parsed.args, attrs: parsed.attrs, raw: action.raw });
  });
  return { accepted, feedback };
}

/** Checks against the current state; the hint when the action cannot be carried out. */
function rejectionOf(args: ActionArgs, ctx: ValidationContext): string | undefined {
  switch (args.name) {
    case 'create_task':
      return scheduleRejection(args, ctx.now);
    case 'cancel_task':
      return cancelRejection(args.id, ctx);
    case 'summarize_task_result': {
      const status = ctx.taskStatus(args.taskId);
      if (status === undefined) return `There is no task "${args.taskId}". Use the id of a task in M:results.`;
      if (!isTerminal(status)) return `Task "${args.taskId}" is ${status} and has no result yet; summarize it after its result arrives in M:results.`;
      return undefined;
    }
    default:
      return undefined;
  }
}

function scheduleRejection(args: { cron?: string; scheduledAt?: string }, now: Date): string | undefined {
  if (args.scheduledAt !== undefined) {
    const at = parseIsoWithZone(args.scheduledAt) ?? Number.NaN;
    if (!(at > now.getTime() - SCHEDULE_GRACE_MS)) {
      return `scheduled_at ${args.scheduledAt} is in the past (now is ${now.toISOString()}). Compute it from client_now_iso with the client's zone offset, or leave it out to run the task now.`;
    }
  }
  if (args.cron !== undefined) {
    const job = new Cron(args.cron, { paused: true, mode: '6-part', legacyMode: false });
    const next = job.nextRun(now);
    job.stop();
    if (next === null) return `The cron expression "${args.cron}" never fires (e.g. a date that does not exist). Fix the fields: second minute hour day-of-month month day-of-week.`;
  }
  return undefined;
}

function cancelRejection(id: string, ctx: ValidationContext): string | undefined {
  const status = ctx.taskStatus(id);
  if (status !== undefined) {
    return isTerminal(status) ? `Task "${id}" is already ${status}; there is nothing to cancel.` : undefined;
  }
  const enabled = ctx.cronJobEnabled(id);
  if (enabled === undefined) return `There is no task or scheduled task "${id}". Use an id listed in M:tasks.`;
  return enabled ? undefined : `The scheduled task "${id}" is already canceled or finished.`;
}
