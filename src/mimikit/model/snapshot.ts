/** `runtime-snapshot.json`: the durable state that is not a log. A version mismatch is an explicit error. */
import { z } from 'zod';
import { cronJobSchema, taskSchema } from './tasks.js';

export const SNAPSHOT_VERSION = 1;

export const runtimeSnapshotSchema = z
  .object({
    version: z.literal(SNAPSHOT_VERSION),
    queues: z.object({ inputsCursor: z.number().int().nonnegative(), resultsCursor: z.number().int().nonnegative() }).strict(),
    managerTurn: z.number().int().nonnegative(),
    /** The RouteCodex session id of the manager conversation. */
    managerSessionId: z.string().min(1),
    /** The newest manager batch whose actions were applied. */
    lastBatchId: z.string().optional(),
    /** A model-written summary of older conversation (context compression). */
    compressedContext: z.object({ text: z.string(), upToMessageId: z.string(), createdAt: z.string() }).strict().optional(),
    tasks: z.array(taskSchema),
    cronJobs: z.array(cronJobSchema),
    /** What the latest client told us about its clock (survives restarts; used for the prompt's environment). */
    lastClient: z
      .object({ timeZone: z.string().optional(), nowIso: z.string().optional(), locale: z.string().optional(), receivedAt: z.string() })
      .strict()
      .optional(),
    /** Start of the idle window that already fired (one idle wake per window). */
    idleFiredForWindow: z.number().int().optional(),
  })
  .strict();
export type RuntimeSnapshot = z.infer<typeof runtimeSnapshotSchema>;
