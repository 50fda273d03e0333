/** Gemini ↔ canonical mappings shared by the response and stream decoders: stop reasons, usage, ids. */
import { randomBytes } from 'node:crypto';
import { UpstreamFailure, type StopReason, type Usage } from '../../canonical/index.js';
import type { GeminiUsage } from './schema.js';

/** finishReasons that mean the output was filtered (safety, recitation, blocklists, PII…). */
const FILTER_REASONS: ReadonlySet<string> = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'LANGUAGE',
]);

/**
 * finishReasons where the model failed to produce a usable turn (an unparseable or undeclared function
 * call). They become a `malformed` failure, so the router can retry elsewhere instead of handing the
 * client an empty or truncated answer that looks successful.
 */
const FAILURE_REASONS: ReadonlySet<string> = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL']);

export type FinishOutcome = { stopReason: StopReason } | { failure: UpstreamFailure };

/** Maps a candidate's finishReason (and whether it called a function) to a stop reason or a failure. */
export function finishOutcome(finishReason: string | undefined, finishMessage: string | undefined, hasToolCall: boolean): FinishOutcome {
  const reason = finishReason ?? 'STOP';
  if (reason === 'MAX_TOKENS') return { stopReason: 'max_tokens' };
  if (FILTER_REASONS.has(reason)) return { stopReason: 'content_filter' };
  if (FAILURE_REASONS.has(reason)) {
    return {
      failure: new UpstreamFailure({
        class: 'malformed',
        message: finishMessage ?? `Gemini stopped with ${reason}`,
        upstreamCode: reason,
      }),
    };
  }
  // STOP, OTHER, FINISH_REASON_UNSPECIFIED and reasons added later: a normal end of turn.
  return { stopReason: hasToolCall ? 'tool_use' : 'end_turn' };
}

/** Canonical usage of a Gemini usageMetadata: output includes thoughts; prompt count includes cached tokens. */
export function usageOf(meta: GeminiUsage | undefined): Usage {
  const usage: Usage = {
    inputTokens: meta?.promptTokenCount ?? 0,
    outputTokens: (meta?.candidatesTokenCount ?? 0) + (meta?.thoughtsTokenCount ?? 0),
  };
  if (meta?.cachedContentTokenCount !== undefined) usage.cachedInputTokens = meta.cachedContentTokenCount;
  if (meta?.thoughtsTokenCount !== undefined) usage.reasoningTokens = meta.thoughtsTokenCount;
  return usage;
}

/** A response id for a Gemini answer that carried no `responseId`. */
export function newResponseId(): string {
  return `gemini-${randomBytes(12).toString('hex')}`;
}
