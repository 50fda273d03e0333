/** Gemini GenerateContentResponse → canonical response. */
import { UpstreamFailure, type AssistantContentPart, type CanonicalResponse } from '../../canonical/index.js';
import { jsonPath, newToolCallId } from '../common.js';
import { finishOutcome, newResponseId, usageOf } from './mapping.js';
import { GeminiResponseSchema, type GeminiPart } from './schema.js';

/** An empty reasoning part carrying a thought signature that Gemini attached to a non-thought part. */
function signatureCarrier(value: string): AssistantContentPart {
  return { type: 'reasoning', text: '', signature: { protocol: 'gemini', value } };
}

/**
 * Gemini parts → canonical assistant parts. A `thoughtSignature` on a text or functionCall part is kept as
 * an empty reasoning part just before it, so the request encoder can put it back on that part.
 * Parts with no canonical counterpart (inlineData, executableCode, codeExecutionResult) are dropped.
 */
export function decodeGeminiParts(parts: GeminiPart[]): AssistantContentPart[] {
  const out: AssistantContentPart[] = [];
  for (const p of parts) {
    if (p.functionCall !== undefined) {
      if (p.thoughtSignature !== undefined) out.push(signatureCarrier(p.thoughtSignature));
      out.push({
        type: 'tool_call',
        id: p.functionCall.id ?? newToolCallId(),
        name: p.functionCall.name,
        arguments: JSON.stringify(p.functionCall.args ?? {}),
      });
    } else if (p.thought === true) {
      if (!p.text && p.thoughtSignature === undefined) continue;
      const part: AssistantContentPart = { type: 'reasoning', text: p.text ?? '' };
      if (p.thoughtSignature !== undefined) part.signature = { protocol: 'gemini', value: p.thoughtSignature };
      out.push(part);
    } else if (p.text !== undefined || p.thoughtSignature !== undefined) {
      if (p.thoughtSignature !== undefined) out.push(signatureCarrier(p.thoughtSignature));
      if (p.text) out.push({ type: 'text', text: p.text });
    }
  }
  return out;
}

function malformed(message: string): UpstreamFailure {
  return new UpstreamFailure({ class: 'malformed', message });
}

/** Decodes a `generateContent` answer; throws an `UpstreamFailure` (`malformed`) when it is not one. */
export function decodeGeminiResponse(body: unknown): CanonicalResponse {
  const parsed = GeminiResponseSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? jsonPath(issue.path) || 'body' : 'body';
    throw malformed(`Gemini response is not a GenerateContentResponse (${where}: ${issue?.message ?? 'invalid'})`);
  }
  const r = parsed.data;
  const id = r.responseId ?? newResponseId();
  const model = r.modelVersion ?? '';
  const usage = usageOf(r.usageMetadata);
  const candidate = r.candidates?.[0];
  if (candidate === undefined) {
    if (r.promptFeedback?.blockReason !== undefined) return { id, model, content: [], stopReason: 'content_filter', usage };
    throw malformed('Gemini response has no candidates and no promptFeedback.blockReason');
  }
  const content = decodeGeminiParts(candidate.content?.parts ?? []);
  const hasToolCall = content.some((p) => p.type === 'tool_call');
  const outcome = finishOutcome(candidate.finishReason, candidate.finishMessage, hasToolCall);
  if ('failure' in outcome) throw outcome.failure;
  return { id, model, content, stopReason: outcome.stopReason, usage };
}
