/**
 * Lenient zod schemas of what a Chat Completions upstream sends (OpenAI and compatible servers):
 * everything optional and nullable, but every field read is type-checked.
 */
import { z } from 'zod';
import { UpstreamFailure } from '../../canonical/index.js';
import { gatewayErrorFromZod, type ValidationIssueLike } from '../common.js';

const n = z.number().nullish();

export const WireUsage = z.object({
  prompt_tokens: n,
  completion_tokens: n,
  prompt_tokens_details: z.object({ cached_tokens: n }).nullish(),
  completion_tokens_details: z.object({ reasoning_tokens: n }).nullish(),
  prompt_cache_hit_tokens: n,
});

const WireFunction = z.object({ name: z.string().nullish(), arguments: z.string().nullish() });

const WireToolCall = z.object({
  index: z.number().int().nonnegative().nullish(),
  id: z.string().nullish(),
  function: WireFunction.nullish(),
});

const WireContent = z.union([z.string(), z.array(z.object({ type: z.string(), text: z.string().nullish() }))]);

/** `reasoning_content` (DeepSeek, Qwen, older vLLM) or `reasoning` (newer vLLM, OpenRouter) when it is text. */
export function reasoningText(m: { reasoning_content?: string | null | undefined; reasoning?: unknown }): string | undefined {
  if (typeof m.reasoning_content === 'string') return m.reasoning_content;
  return typeof m.reasoning === 'string' ? m.reasoning : undefined;
}

export const WireCompletion = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        message: z.object({
          content: WireContent.nullish(),
          reasoning_content: z.string().nullish(),
          reasoning: z.unknown().optional(),
          refusal: z.string().nullish(),
          tool_calls: z.array(WireToolCall).nullish(),
          function_call: WireFunction.nullish(),
        }),
        finish_reason: z.string().nullish(),
      }),
    )
    .min(1),
  usage: WireUsage.nullish(),
});

export const WireChunk = z.object({
  id: z.string().nullish(),
  model: z.string().nullish(),
  choices: z
    .array(
      z.object({
        index: z.number().nullish(),
        delta: z
          .object({
            content: z.string().nullish(),
            reasoning_content: z.string().nullish(),
            reasoning: z.unknown().optional(),
            refusal: z.string().nullish(),
            tool_calls: z.array(WireToolCall).nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .nullish(),
  usage: WireUsage.nullish(),
});

export type WireChunkT = z.infer<typeof WireChunk>;
export type WireToolCallT = z.infer<typeof WireToolCall>;

/** A `malformed` failure describing the first schema issue of an upstream payload. */
export function malformed(what: string, issues: ReadonlyArray<ValidationIssueLike>): UpstreamFailure {
  return new UpstreamFailure({ class: 'malformed', message: `${what}: ${gatewayErrorFromZod(issues).message}` });
}
