/** Stop reasons and usage between OpenAI Chat Completions and the canonical model (both directions). */
import type { StopReason, Usage } from '../../canonical/index.js';

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Upstream `finish_reason` → canonical stop reason. Unknown or missing reasons count as a normal stop. */
export function stopReasonFromFinish(reason: string | null | undefined, hasToolCalls: boolean): StopReason {
  switch (reason) {
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'content_filter';
    default:
      // Several compatible servers answer tool calls with "stop"; the calls are what matters.
      return hasToolCalls ? 'tool_use' : 'end_turn';
  }
}

export function finishFromStopReason(reason: StopReason): ChatFinishReason {
  switch (reason) {
    case 'max_tokens':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'content_filter':
    case 'refusal':
      return 'content_filter';
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
  }
}

export interface ChatUsageWire {
  prompt_tokens?: number | null | undefined;
  completion_tokens?: number | null | undefined;
  prompt_tokens_details?: { cached_tokens?: number | null | undefined } | null | undefined;
  completion_tokens_details?: { reasoning_tokens?: number | null | undefined } | null | undefined;
  /** DeepSeek reports its cache hits here instead of `prompt_tokens_details`. */
  prompt_cache_hit_tokens?: number | null | undefined;
}

/** Wire usage → the fields it reports (a partial usage, merged by the caller). */
export function usageFromWire(u: ChatUsageWire): Partial<Usage> {
  const out: Partial<Usage> = {};
  if (u.prompt_tokens != null) out.inputTokens = u.prompt_tokens;
  if (u.completion_tokens != null) out.outputTokens = u.completion_tokens;
  const cached = u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens;
  if (cached != null) out.cachedInputTokens = cached;
  const reasoning = u.completion_tokens_details?.reasoning_tokens;
  if (reasoning != null) out.reasoningTokens = reasoning;
  return out;
}

export function usageToWire(u: Usage): Record<string, unknown> {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    prompt_tokens_details: { cached_tokens: u.cachedInputTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
  };
}
