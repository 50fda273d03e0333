/**
 * One strict zod schema per manager action, over the tag's attributes (all strings). The output is the
 * typed action. Only checks that need no runtime state live here (see validate.ts for the others), so
 * `parseActionArgs` can also rebuild an action from a batch record during recovery.
 */
import { Cron } from 'croner';
import { z } from 'zod';
import { taskProfileSchema } from '../model/tasks.js';
import { parseIsoWithZone } from './iso-time.js';

const text = (what: string) =>
  z.string({ error: (iss) => (iss.input === undefined ? `${what} is required` : `${what} must be a string`) }).trim().min(1, `${what} must not be empty`);

const isoWithZone = (what: string) =>
  text(what).refine((v) => parseIsoWithZone(v) !== undefined, `${what} must be an ISO 8601 date-time with a zone, e.g. 2026-03-01T09:00:00+08:00`);

export const HISTORY_ROLES = ['user', 'agent', 'system'] as const;
export type HistoryRole = (typeof HISTORY_ROLES)[number];

/** A 6-field cron expression (with seconds); the message when it is not one. */
export function cronSyntaxError(expr: string): string | undefined {
  try {
    new Cron(expr, { paused: true, mode: '6-part', legacyMode: false }).stop();
    return undefined;
  } catch (e) {
    return (e as Error).message.replace(/^CronPattern: /, '');
  }
}

const createTask = z
  .object({
    prompt: text('prompt'),
    title: text('title').max(120, 'title must be at most 120 characters'),
    profile: z.enum(taskProfileSchema.options, { error: 'profile must be standard or specialist' }).optional(),
    cron: text('cron').optional(),
    scheduled_at: isoWithZone('scheduled_at').optional(),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.cron !== undefined && v.scheduled_at !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: 'give either cron (recurring) or scheduled_at (once), not both' });
    }
    if (v.cron === undefined && v.scheduled_at === undefined && v.profile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['profile'], message: 'profile is required (standard or specialist) for a task that runs now' });
    }
    const cronError = v.cron === undefined ? undefined : cronSyntaxError(v.cron);
    if (cronError) ctx.addIssue({ code: 'custom', path: ['cron'], message: `cron must be a 6-field expression with seconds: ${cronError}` });
  })
  .transform((v) => ({
    name: 'create_task' as const,
    prompt: v.prompt,
    title: v.title,
    profile: v.profile ?? 'standard',
    ...(v.cron !== undefined ? { cron: v.cron } : {}),
    ...(v.scheduled_at !== undefined ? { scheduledAt: v.scheduled_at } : {}),
  }));

const cancelTask = z
  .object({ id: text('id') })
  .strict()
  .transform((v) => ({ name: 'cancel_task' as const, id: v.id }));

const summarizeTaskResult = z
  .object({ task_id: text('task_id'), summary: text('summary') })
  .strict()
  .transform((v) => ({ name: 'summarize_task_result' as const, taskId: v.task_id, summary: v.summary }));

const roles = z
  .string()
  .transform((v) => [...new Set(v.split(',').map((r) => r.trim().toLowerCase()).filter((r) => r !== ''))])
  .pipe(z.array(z.enum(HISTORY_ROLES, { error: 'roles must be a comma-separated list of user, agent, system' })).min(1, 'roles must not be empty'));

const queryHistory = z
  .object({
    query: text('query'),
    limit: z
      .string()
      .regex(/^\s*\d+\s*$/, 'limit must be a whole number from 1 to 20')
      .transform(Number)
      .pipe(z.number().int().min(1, 'limit must be at least 1').max(20, 'limit must be at most 20'))
      .optional(),
    roles: roles.optional(),
    before_id: text('before_id').optional(),
    from: isoWithZone('from').optional(),
    to: isoWithZone('to').optional(),
  })
  .strict()
  .transform((v) => {
    let fromMs = v.from === undefined ? undefined : parseIsoWithZone(v.from);
    let toMs = v.to === undefined ? undefined : parseIsoWithZone(v.to);
    // Order-insensitive: a reversed range means the same interval.
    if (fromMs !== undefined && toMs !== undefined && fromMs > toMs) [fromMs, toMs] = [toMs, fromMs];
    return {
      name: 'query_history' as const,
      query: v.query,
      limit: v.limit ?? 6,
      roles: v.roles ?? (['user', 'agent'] as HistoryRole[]),
      ...(v.before_id !== undefined ? { beforeId: v.before_id } : {}),
      ...(fromMs !== undefined ? { fromMs } : {}),
      ...(toMs !== undefined ? { toMs } : {}),
    };
  });

const noArgs = <N extends string>(name: N) =>
  z
    .object({})
    .strict()
    .transform(() => ({ name }));

/** update_profile / update_persona: the new text, from the tag content or a `text` attribute. */
const newText = <N extends string>(name: N) =>
  z
    .object({
      text: z
        .string({ error: 'the new text is required: write it as the tag content' })
        .trim()
        .min(1, 'the new text must not be empty'),
    })
    .strict()
    .transform((v) => ({ name, text: v.text }));

interface ActionSpec {
  attributes: readonly string[];
  /** The tag content becomes the `text` attribute. */
  takesContent: boolean;
  example: string;
}

export const actionSchemas = {
  create_task: createTask,
  cancel_task: cancelTask,
  summarize_task_result: summarizeTaskResult,
  query_history: queryHistory,
  compress_context: noArgs('compress_context'),
  update_profile: newText('update_profile'),
  update_persona: newText('update_persona'),
  restart_server: noArgs('restart_server'),
};

export type ActionName = keyof typeof actionSchemas;
export const ACTION_NAMES = Object.keys(actionSchemas) as ActionName[];

export const actionSpecs: Record<ActionName, ActionSpec> = {
  create_task: {
    attributes: ['prompt', 'title', 'profile', 'cron', 'scheduled_at'],
    takesContent: false,
    example: '<M:create_task prompt="…" title="…" profile="standard"/>',
  },
  cancel_task: { attributes: ['id'], takesContent: false, example: '<M:cancel_task id="TASK_ID"/>' },
  summarize_task_result: {
    attributes: ['task_id', 'summary'],
    takesContent: false,
    example: '<M:summarize_task_result task_id="TASK_ID" summary="…"/>',
  },
  query_history: {
    attributes: ['query', 'limit', 'roles', 'before_id', 'from', 'to'],
    takesContent: false,
    example: '<M:query_history query="…" limit="6"/>',
  },
  compress_context: { attributes: [], takesContent: false, example: '<M:compress_context/>' },
  update_profile: { attributes: ['text'], takesContent: true, example: '<M:update_profile>new profile text</M:update_profile>' },
  update_persona: { attributes: ['text'], takesContent: true, example: '<M:update_persona>new persona text</M:update_persona>' },
  restart_server: { attributes: [], takesContent: false, example: '<M:restart_server/>' },
};

export type ActionArgs = z.output<(typeof actionSchemas)[ActionName]>;

export function isActionName(name: string): name is ActionName {
  return Object.hasOwn(actionSchemas, name);
}

export type ArgsResult =
  | { ok: true; args: ActionArgs; attrs: Record<string, string> }
  | { ok: false; problems: string[] };

/**
 * Schema-checks a registered action. `attrs` in the result is what a batch record stores: for the
 * text actions the tag content is folded into `text`, so `{name, attrs}` alone rebuilds the action.
 */
export function parseActionArgs(name: ActionName, attrs: Record<string, string>, content?: string): ArgsResult {
  const spec = actionSpecs[name];
  const hasContent = content !== undefined && content.trim() !== '';
  let input = attrs;
  if (hasContent && !spec.takesContent) return { ok: false, problems: [`${name} takes no tag content; put everything in attributes`] };
  if (hasContent && attrs.text !== undefined) return { ok: false, problems: ['give the new text either as tag content or as the text attribute, not both'] };
  if (hasContent) input = { ...attrs, text: content };
  const parsed = actionSchemas[name].safeParse(input);
  if (parsed.success) return { ok: true, args: parsed.data, attrs: input };
  return { ok: false, problems: parsed.error.issues.map((issue) => describeIssue(issue, spec)) };
}

function describeIssue(issue: z.core.$ZodIssue, spec: ActionSpec): string {
  if (issue.code === 'unrecognized_keys') {
    const allowed = spec.attributes.length > 0 ? `allowed: ${spec.attributes.join(', ')}` : 'this action takes no attributes';
    return `unknown attribute${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')} (${allowed})`;
  }
  const path = issue.path.map(String).join('.');
  const field = String(issue.path[0] ?? '');
  return path === '' || issue.message.startsWith(field) || issue.message.startsWith('the new text') ? issue.message : `${path}: ${issue.message}`;
}
