/**
 * Inputs (what wakes the manager) and history messages (what the chat shows). System messages carry a
 * visibility: `user` (the WebUI shows it), `agent` (only the manager sees it), `all`.
 */
import { z } from 'zod';
import { tokenUsageSchema } from './usage.js';

export const visibilitySchema = z.enum(['user', 'agent', 'all']);
export type Visibility = z.infer<typeof visibilitySchema>;

export const wakeSourceSchema = z.enum(['user_input', 'task_result', 'cron', 'idle']);
export type WakeSource = z.infer<typeof wakeSourceSchema>;

/** What the client told us about itself with the input (used for the prompt's environment block). */
export const clientInfoSchema = z
  .object({
    timeZone: z.string().optional(),
    nowIso: z.string().optional(),
    locale: z.string().optional(),
  })
  .strict();
export type ClientInfo = z.infer<typeof clientInfoSchema>;

export const inputMessageSchema = z
  .object({
    id: z.string().min(1),
    role: z.enum(['user', 'system']),
    text: z.string(),
    createdAt: z.string(),
    /** Id of a history message the user quoted. */
    quote: z.string().optional(),
    visibility: visibilitySchema.optional(),
    wake: wakeSourceSchema,
    client: clientInfoSchema.optional(),
  })
  .strict();
export type InputMessage = z.infer<typeof inputMessageSchema>;

export const inputPacketSchema = z.object({ id: z.string().min(1), createdAt: z.string(), payload: inputMessageSchema }).strict();
export type InputPacket = z.infer<typeof inputPacketSchema>;

/** What one manager batch consumed and decided; stored on its agent reply (the commit record). */
export const batchRecordSchema = z
  .object({
    id: z.string().min(1),
    inputIds: z.array(z.string()),
    resultIds: z.array(z.string()),
    actions: z.array(z.object({ name: z.string(), attrs: z.record(z.string(), z.string()) }).strict()),
    /** The client's time zone when the batch ran (cron jobs it creates are read in it). */
    timeZone: z.string().optional(),
  })
  .strict();
export type BatchRecord = z.infer<typeof batchRecordSchema>;

export const historyMessageSchema = z
  .object({
    id: z.string().min(1),
    role: z.enum(['user', 'agent', 'system']),
    text: z.string(),
    createdAt: z.string(),
    visibility: visibilitySchema.optional(),
    quote: z.string().optional(),
    usage: tokenUsageSchema.optional(),
    elapsedMs: z.number().nonnegative().optional(),
    batch: batchRecordSchema.optional(),
  })
  .strict();
export type HistoryMessage = z.infer<typeof historyMessageSchema>;

/** The WebUI shows every non-system message and system messages for the user. */
export function visibleToUser(m: { role: string; visibility?: Visibility | undefined }): boolean {
  return m.role !== 'system' || m.visibility === 'user' || m.visibility === 'all';
}

/** The manager sees every non-system message and system messages for the agent. */
export function visibleToAgent(m: { role: string; visibility?: Visibility | undefined }): boolean {
  return m.role !== 'system' || m.visibility === 'agent' || m.visibility === 'all';
}
