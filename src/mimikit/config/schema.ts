/**
 * The validated mimikit configuration (keys as in the seed and MIMIKIT.md §2). Strict at every level:
 * an unknown key is an error with its path. Field schemas are exported so that environment variables
 * are checked by the same rules, with errors naming the variable.
 */
import { z } from 'zod';

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(min).max(max);

export const fieldSchemas = {
  model: z.string().trim().min(1, 'a model name must not be empty').regex(/^\S+$/, 'a model name contains no spaces'),
  reasoningEffort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']),
  promptMaxTokens: int(1024, 2_000_000),
  debounceMs: int(0),
  baseURL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  apiKey: z.string(),
};

/** `""` (or null) means "not set" for the optional strings. */
const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === null ? undefined : v), schema.optional());

const standardProfile = z.object({ timeoutMs: int(1_000), model: fieldSchemas.model }).strict();
const specialistProfile = standardProfile.extend({ modelReasoningEffort: fieldSchemas.reasoningEffort }).strict();

export const mimikitConfigSchema = z
  .object({
    llm: z
      .object({
        baseURL: optional(fieldSchemas.baseURL),
        apiKey: optional(fieldSchemas.apiKey),
      })
      .strict(),
    manager: z
      .object({
        model: fieldSchemas.model,
        prompt: z.object({ maxTokens: fieldSchemas.promptMaxTokens }).strict(),
        taskCreate: z.object({ debounceMs: fieldSchemas.debounceMs }).strict(),
        taskWindow: z
          .object({ minCount: int(0, 1000), maxCount: int(1, 1000), maxBytes: int(1024) })
          .strict()
          .refine((w) => w.minCount <= w.maxCount, { path: ['minCount'], message: 'must not be greater than maxCount' }),
        session: z.object({ compressTimeoutMs: int(1_000) }).strict(),
        maxCorrectionRounds: int(0, 20),
      })
      .strict(),
    worker: z
      .object({
        maxConcurrent: int(1, 64),
        maxToolRounds: int(1, 1000),
        retry: z
          .object({
            /** Total attempts, the first one included. */
            maxAttempts: int(1, 20),
            backoffMs: int(0),
          })
          .strict(),
        shell: z.object({ timeoutMs: int(100), maxOutputBytes: int(1024) }).strict(),
        profiles: z
          .object({
            standard: standardProfile,
            specialist: specialistProfile,
          })
          .strict(),
      })
      .strict(),
    idle: z.object({ afterMs: int(1_000) }).strict(),
  })
  .strict();

export type MimikitConfig = z.output<typeof mimikitConfigSchema>;
export type ReasoningEffort = z.output<typeof fieldSchemas.reasoningEffort>;

/** Keys of older versions, and what replaced them. */
export const HISTORICAL_KEYS: ReadonlyArray<{ path: string; replacement: string }> = [
  { path: 'deferred', replacement: 'scheduled tasks (create_task with cron or scheduled_at) run with worker.profiles.standard or worker.profiles.specialist' },
  { path: 'worker.retryMaxAttempts', replacement: 'worker.retry.maxAttempts (total attempts, the first one included)' },
  { path: 'worker.retryBackoffMs', replacement: 'worker.retry.backoffMs' },
  { path: 'worker.standard', replacement: 'worker.profiles.standard' },
  { path: 'worker.specialist', replacement: 'worker.profiles.specialist' },
];
