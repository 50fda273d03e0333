import { z } from 'zod';
import { tokenUsageSchema } from './usage.js';

export const taskProfileSchema = z.enum(['standard', 'specialist']);
export type TaskProfile = z.infer<typeof taskProfileSchema>;

export const taskStatusSchema = z.enum(['pending', 'running', 'succeeded', 'failed', 'canceled']);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

export const cancelInfoSchema = z
  .object({ source: z.enum(['user', 'manager', 'system']), reason: z.string().optional() })
  .strict();
export type CancelInfo = z.infer<typeof cancelInfoSchema>;

export const taskResultSchema = z
  .object({
    taskId: z.string().min(1),
    status: z.enum(['succeeded', 'failed', 'canceled']),
    ok: z.boolean(),
    output: z.string(),
    durationMs: z.number().nonnegative(),
    completedAt: z.string(),
    attempts: z.number().int().nonnegative(),
    title: z.string().optional(),
    profile: taskProfileSchema.optional(),
    usage: tokenUsageSchema.optional(),
    archivePath: z.string().optional(),
    cancel: cancelInfoSchema.optional(),
  })
  .strict();
export type TaskResult = z.infer<typeof taskResultSchema>;

export const resultPacketSchema = z.object({ id: z.string().min(1), createdAt: z.string(), payload: taskResultSchema }).strict();
export type ResultPacket = z.infer<typeof resultPacketSchema>;

export const taskSchema = z
  .object({
    id: z.string().min(1),
    /** Normalized prompt+title+profile, for deduplication. */
    fingerprint: z.string().min(1),
    prompt: z.string(),
    title: z.string(),
    profile: taskProfileSchema,
    status: taskStatusSchema,
    createdAt: z.string(),
    startedAt: z.string().optional(),
    completedAt: z.string().optional(),
    durationMs: z.number().nonnegative().optional(),
    attempts: z.number().int().nonnegative(),
    usage: tokenUsageSchema.optional(),
    archivePath: z.string().optional(),
    cancel: cancelInfoSchema.optional(),
    result: taskResultSchema.optional(),
    /** The manager batch that created it. */
    batchId: z.string().optional(),
    /** The cron job whose fire created it. */
    cronJobId: z.string().optional(),
  })
  .strict();
export type Task = z.infer<typeof taskSchema>;

export const cronJobSchema = z
  .object({
    id: z.string().min(1),
    cron: z.string().optional(),
    scheduledAt: z.string().optional(),
    /** IANA time zone the cron expression is read in (the creating client's); absent = UTC. */
    timeZone: z.string().optional(),
    prompt: z.string(),
    title: z.string(),
    profile: taskProfileSchema,
    enabled: z.boolean(),
    disabledReason: z.enum(['canceled', 'completed', 'invalid']).optional(),
    createdAt: z.string(),
    lastTriggeredAt: z.string().optional(),
    /** Fires that were missed while the process was down and caught up (one per downtime). */
    catchUps: z.number().int().nonnegative().optional(),
  })
  .strict()
  .refine((j) => (j.cron === undefined) !== (j.scheduledAt === undefined), { message: 'a cron job has exactly one of `cron` and `scheduledAt`' });
export type CronJob = z.infer<typeof cronJobSchema>;

export const progressEventSchema = z
  .object({
    taskId: z.string().min(1),
    type: z.string().min(1),
    createdAt: z.string(),
    payload: z.record(z.string(), z.unknown()),
  })
  .strict();
export type ProgressEvent = z.infer<typeof progressEventSchema>;

export function isTerminal(status: TaskStatus): boolean {
  return status === 'succeeded' || status === 'failed' || status === 'canceled';
}
