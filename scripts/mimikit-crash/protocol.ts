/** The crash harness ↔ runtime child protocol: one JSON object per line, both ways (zod-checked). */
import { z } from 'zod';

const timing = { nth: z.number().int().positive().optional(), delayMs: z.number().int().nonnegative().optional() };

/**
 * Where the child kills itself: at the `nth` log line with message `msg` (inside the logging call, so
 * exactly at that point of the runtime code), at the `nth` bus event of a kind, or when the workspace
 * file `name` changes (a tool is running) — each optionally `delayMs` later.
 */
export const triggerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('log'), msg: z.string().min(1), ...timing }),
  z.strictObject({ kind: z.literal('event'), event: z.string().min(1), ...timing }),
  z.strictObject({ kind: z.literal('file'), name: z.string().min(1), ...timing }),
]);
export type Trigger = z.infer<typeof triggerSchema>;

export const childCommandSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('input'), tag: z.string(), text: z.string().min(1) }),
  z.strictObject({ op: z.literal('arm'), trigger: triggerSchema }),
]);
export type ChildCommand = z.infer<typeof childCommandSchema>;

export const childMessageSchema = z.discriminatedUnion('ev', [
  z.object({
    ev: z.literal('started'),
    pid: z.number(),
    runtimeId: z.string(),
    clearedLocks: z.array(z.string()),
    recovery: z.object({ reapplied: z.number(), finishedFromResults: z.number(), interrupted: z.number(), pendingInputs: z.number() }),
  }),
  z.object({ ev: z.literal('accepted'), tag: z.string(), id: z.string() }),
  z.object({ ev: z.literal('rejected'), tag: z.string(), message: z.string() }),
  z.object({ ev: z.literal('dying'), trigger: triggerSchema }),
  z.object({ ev: z.literal('error'), message: z.string() }),
]);
export type ChildMessage = z.infer<typeof childMessageSchema>;
