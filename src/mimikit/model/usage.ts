import { z } from 'zod';

const count = z.number().int().nonnegative();

/** Token usage of one model call or a sum of them. */
export const tokenUsageSchema = z
  .object({
    input: count.optional(),
    output: count.optional(),
    cachedInput: count.optional(),
    total: count.optional(),
  })
  .strict();
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

export function addUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a) return b;
  if (!b) return a;
  const sum = (x?: number, y?: number) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  const out: TokenUsage = {};
  for (const k of ['input', 'output', 'cachedInput', 'total'] as const) {
    const v = sum(a[k], b[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
