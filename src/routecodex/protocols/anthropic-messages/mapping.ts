/**
 * Small value mappings between Anthropic Messages and the canonical model: usage, stop reasons and
 * thinking signatures.
 */
import type { ProtocolId, ReasoningSignature, StopReason, Usage } from '../../canonical/index.js';

export const PROTOCOL = 'anthropic-messages' as const;

/** Anthropic's usage counters as they appear on the wire (all optional: streams report them piecemeal). */
export interface AnthropicUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number | null } | null;
}

function count(v: number | null | undefined): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/**
 * Anthropic → canonical. Anthropic's `input_tokens` excludes cache reads and writes; canonical
 * `inputTokens` counts every input token, so the three are added.
 */
export function usageFromAnthropic(u: AnthropicUsage): Usage {
  const input = count(u.input_tokens) ?? 0;
  const read = count(u.cache_read_input_tokens);
  const write = count(u.cache_creation_input_tokens);
  const out: Usage = { inputTokens: input + (read ?? 0) + (write ?? 0), outputTokens: count(u.output_tokens) ?? 0 };
  if (read !== undefined) out.cachedInputTokens = read;
  if (write !== undefined) out.cacheWriteInputTokens = write;
  const thinking = count(u.output_tokens_details?.thinking_tokens);
  if (thinking !== undefined) out.reasoningTokens = thinking;
  return out;
}

/** Merges a later partial Anthropic usage report into an earlier one: reported counters win. */
export function mergeAnthropicUsage(base: AnthropicUsage, update: AnthropicUsage): AnthropicUsage {
  const out: AnthropicUsage = { ...base };
  if (count(update.input_tokens) !== undefined) out.input_tokens = update.input_tokens;
  if (count(update.output_tokens) !== undefined) out.output_tokens = update.output_tokens;
  if (count(update.cache_read_input_tokens) !== undefined) out.cache_read_input_tokens = update.cache_read_input_tokens;
  if (count(update.cache_creation_input_tokens) !== undefined) {
    out.cache_creation_input_tokens = update.cache_creation_input_tokens;
  }
  if (count(update.output_tokens_details?.thinking_tokens) !== undefined) {
    out.output_tokens_details = update.output_tokens_details;
  }
  return out;
}

export interface AnthropicUsageOut {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
}

/** Canonical → Anthropic: cache reads and writes are subtracted back out of `input_tokens`. */
export function usageToAnthropic(u: Usage): AnthropicUsageOut {
  const read = u.cachedInputTokens ?? 0;
  const write = u.cacheWriteInputTokens ?? 0;
  return {
    input_tokens: Math.max(0, u.inputTokens - read - write),
    output_tokens: u.outputTokens,
    cache_creation_input_tokens: write,
    cache_read_input_tokens: read,
  };
}

/** `pause_turn` (a server tool paused a long turn) ends the turn as far as the client is concerned. */
export function stopReasonFromAnthropic(reason: string | null | undefined): StopReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max_tokens';
    case 'tool_use':
      return 'tool_use';
    case 'stop_sequence':
      return 'stop_sequence';
    case 'refusal':
      return 'refusal';
    default:
      return 'end_turn';
  }
}

export type AnthropicStopReason = 'end_turn' | 'max_tokens' | 'tool_use' | 'stop_sequence' | 'refusal';

/** Anthropic has no content-filter stop; a filtered answer is a refusal. */
export function stopReasonToAnthropic(reason: StopReason): AnthropicStopReason {
  return reason === 'content_filter' ? 'refusal' : reason;
}

/**
 * Thinking signatures. An Anthropic signature is an opaque string; a signature another protocol issued
 * (Gemini thoughtSignature, Responses encrypted_content) is tagged `routecodex:<protocol>:<value>` when
 * sent to an Anthropic client, so that when the client sends the block back it is restored to its
 * issuer instead of being mistaken for an Anthropic one.
 */
const FOREIGN_SIGNATURE = /^routecodex:(openai-chat|openai-responses|gemini):([\s\S]*)$/;

export function signatureToWire(sig: ReasoningSignature | undefined): string {
  if (sig === undefined) return '';
  return sig.protocol === PROTOCOL ? sig.value : `routecodex:${sig.protocol}:${sig.value}`;
}

/** An empty signature (a thinking block that never had one) is no signature. */
export function signatureFromWire(value: string | undefined): ReasoningSignature | undefined {
  if (value === undefined || value === '') return undefined;
  const m = FOREIGN_SIGNATURE.exec(value);
  if (m) return { protocol: m[1] as ProtocolId, value: m[2]! };
  return { protocol: PROTOCOL, value };
}
