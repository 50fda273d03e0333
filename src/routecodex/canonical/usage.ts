/**
 * Token usage. `inputTokens` counts ALL input tokens, cached ones included (OpenAI semantics);
 * Anthropic's `input_tokens` excludes cache reads and writes, so its codec adds them on decode and
 * subtracts them on encode.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache. */
  cachedInputTokens?: number;
  /** Input tokens written to the provider's prompt cache (Anthropic cache_creation_input_tokens). */
  cacheWriteInputTokens?: number;
  /** Output tokens spent on reasoning (included in outputTokens). */
  reasoningTokens?: number;
}

export const EMPTY_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0 }) as Usage;

/** Merges a later partial usage report into an earlier one: reported fields win, others are kept. */
export function mergeUsage(base: Usage, update: Partial<Usage>): Usage {
  const out: Usage = { ...base };
  for (const [k, v] of Object.entries(update) as Array<[keyof Usage, number | undefined]>) {
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

export function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens;
}

/** The usage of two calls together. */
export function addUsage(a: Usage, b: Usage): Usage {
  const out: Usage = { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
  for (const k of ['cachedInputTokens', 'cacheWriteInputTokens', 'reasoningTokens'] as const) {
    if (a[k] !== undefined || b[k] !== undefined) out[k] = (a[k] ?? 0) + (b[k] ?? 0);
  }
  return out;
}
