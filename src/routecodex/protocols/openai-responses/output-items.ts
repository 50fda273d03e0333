/**
 * Upstream Responses output items and usage: lenient zod shapes (unknown fields ignored) and their
 * canonical meaning, shared by the JSON and stream decoders. One output item becomes at most one part.
 */
import { z } from 'zod';
import type { AssistantContentPart, StopReason, Usage } from '../../canonical/index.js';

export const MessageOutput = z.object({
  type: z.literal('message'),
  content: z
    .array(
      z.looseObject({
        type: z.string(),
        text: z.string().nullish(),
        refusal: z.string().nullish(),
      }),
    )
    .nullish(),
});

export const FunctionCallOutput = z.object({
  type: z.literal('function_call'),
  call_id: z.string(),
  name: z.string(),
  arguments: z.string().nullish(),
});

export const ReasoningOutput = z.object({
  type: z.literal('reasoning'),
  summary: z.array(z.looseObject({ text: z.string() })).nullish(),
  content: z.array(z.looseObject({ text: z.string() })).nullish(),
  encrypted_content: z.string().nullish(),
});

export type MessageOutputItem = z.infer<typeof MessageOutput>;
export type ReasoningOutputItem = z.infer<typeof ReasoningOutput>;

export const UsageShape = z.object({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  input_tokens_details: z.object({ cached_tokens: z.number().nullish() }).nullish(),
  output_tokens_details: z.object({ reasoning_tokens: z.number().nullish() }).nullish(),
});

/** The text of a message item (output_text and refusal parts, in order) and whether it refused. */
export function messageText(item: MessageOutputItem): { text: string; refusal: boolean } {
  let text = '';
  let refusal = false;
  for (const c of item.content ?? []) {
    if (c.type === 'refusal' && c.refusal != null) {
      text += c.refusal;
      refusal = true;
    } else if (c.text != null) text += c.text;
  }
  return { text, refusal };
}

/** Reasoning text: the summaries joined by a blank line, or the raw reasoning content when there is no summary. */
export function reasoningText(item: ReasoningOutputItem): string {
  const summary = (item.summary ?? []).map((s) => s.text);
  return (summary.length > 0 ? summary : (item.content ?? []).map((c) => c.text)).join('\n\n');
}

/**
 * One output item → its canonical part. `undefined` for provider-executed items (web_search_call…),
 * which have no canonical form, and for items of a known type that do not have its shape.
 */
export function outputItemToPart(item: unknown): { part: AssistantContentPart; refusal: boolean } | undefined {
  const m = MessageOutput.safeParse(item);
  if (m.success) {
    const { text, refusal } = messageText(m.data);
    return { part: { type: 'text', text }, refusal };
  }
  const f = FunctionCallOutput.safeParse(item);
  if (f.success) {
    const d = f.data;
    return { part: { type: 'tool_call', id: d.call_id, name: d.name, arguments: d.arguments ?? '' }, refusal: false };
  }
  const r = ReasoningOutput.safeParse(item);
  if (r.success) {
    const enc = r.data.encrypted_content;
    return {
      part: { type: 'reasoning', text: reasoningText(r.data), ...(enc ? { signature: { protocol: 'openai-responses', value: enc } } : {}) },
      refusal: false,
    };
  }
  return undefined;
}

/** Usage fields that are present, in canonical terms (inputTokens include cached tokens in both). */
export function decodeUsage(raw: unknown): Partial<Usage> {
  const u = UsageShape.safeParse(raw);
  if (!u.success) return {};
  const out: Partial<Usage> = {};
  if (u.data.input_tokens != null) out.inputTokens = u.data.input_tokens;
  if (u.data.output_tokens != null) out.outputTokens = u.data.output_tokens;
  const cached = u.data.input_tokens_details?.cached_tokens;
  if (cached != null) out.cachedInputTokens = cached;
  const reasoning = u.data.output_tokens_details?.reasoning_tokens;
  if (reasoning != null) out.reasoningTokens = reasoning;
  return out;
}

/** Responses usage object; cache writes have no Responses field and are dropped. */
export function encodeUsage(u: Usage): Record<string, unknown> {
  return {
    input_tokens: u.inputTokens,
    input_tokens_details: { cached_tokens: u.cachedInputTokens ?? 0 },
    output_tokens: u.outputTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens ?? 0 },
    total_tokens: u.inputTokens + u.outputTokens,
  };
}

/** Stop reason of a finished response: an incomplete reason first, then tool use, then refusal. */
export function stopReasonOf(incompleteReason: string | undefined, hasToolCall: boolean, refused: boolean): StopReason {
  if (incompleteReason === 'max_output_tokens') return 'max_tokens';
  if (incompleteReason === 'content_filter') return 'content_filter';
  if (hasToolCall) return 'tool_use';
  if (refused) return 'refusal';
  return 'end_turn';
}
