/** Anthropic Messages response body → canonical response (upstream). */
import { z } from 'zod';
import { UpstreamFailure, type AssistantContentPart, type CanonicalResponse } from '../../canonical/index.js';
import { classifyError, statusOfErrorType } from './errors.js';
import { signatureFromWire, stopReasonFromAnthropic, usageFromAnthropic } from './mapping.js';

const Count = z.number().nullish();
export const UsageSchema = z.looseObject({
  input_tokens: Count,
  output_tokens: Count,
  cache_read_input_tokens: Count,
  cache_creation_input_tokens: Count,
  output_tokens_details: z.looseObject({ thinking_tokens: Count }).nullish(),
});

/** One content block as the response carries it; the fields of each type are checked when it is read. */
const ResponseBlockSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('text'), text: z.string() }),
  z.looseObject({ type: z.literal('thinking'), thinking: z.string(), signature: z.string().nullish() }),
  z.looseObject({ type: z.literal('redacted_thinking'), data: z.string() }),
  z.looseObject({ type: z.literal('tool_use'), id: z.string(), name: z.string(), input: z.unknown() }),
]);

const ResponseSchema = z.looseObject({
  type: z.literal('message'),
  id: z.string(),
  model: z.string(),
  content: z.array(z.looseObject({ type: z.string() })),
  stop_reason: z.string().nullish(),
  stop_sequence: z.string().nullish(),
  usage: UsageSchema,
});

export type ResponseBlock = z.infer<typeof ResponseBlockSchema>;

const KNOWN_BLOCKS = new Set(['text', 'thinking', 'redacted_thinking', 'tool_use']);

export function decodeResponse(body: unknown): CanonicalResponse {
  const errorType = (body as { type?: unknown; error?: { type?: unknown } } | null)?.error?.type;
  if ((body as { type?: unknown } | null)?.type === 'error' && typeof errorType === 'string') {
    throw classifyError(statusOfErrorType(errorType), body);
  }
  const r = ResponseSchema.safeParse(body);
  if (!r.success) throw malformed(`not an Anthropic message: ${r.error.issues[0]?.message ?? 'invalid'} at ${r.error.issues[0]?.path.join('.') ?? ''}`);
  const m = r.data;
  const content: AssistantContentPart[] = [];
  m.content.forEach((raw, i) => {
    // Server-tool blocks (server_tool_use, web_search_tool_result…) have no canonical form.
    if (!KNOWN_BLOCKS.has(raw.type)) return;
    const b = ResponseBlockSchema.safeParse(raw);
    if (!b.success) throw malformed(`content[${i}] (${raw.type}) is malformed: ${b.error.issues[0]?.message ?? ''}`);
    const part = decodeBlock(b.data);
    if (part) content.push(part);
  });
  const out: CanonicalResponse = {
    id: m.id,
    model: m.model,
    content,
    stopReason: stopReasonFromAnthropic(m.stop_reason),
    usage: usageFromAnthropic(m.usage),
  };
  if (m.stop_reason === 'stop_sequence' && typeof m.stop_sequence === 'string') out.stopSequence = m.stop_sequence;
  return out;
}

export function decodeBlock(b: ResponseBlock): AssistantContentPart | undefined {
  switch (b.type) {
    case 'text':
      return { type: 'text', text: b.text };
    case 'thinking': {
      const signature = signatureFromWire(b.signature ?? undefined);
      return { type: 'reasoning', text: b.thinking, ...(signature ? { signature } : {}) };
    }
    case 'redacted_thinking': {
      const signature = signatureFromWire(b.data);
      return { type: 'reasoning', text: '', redacted: true, ...(signature ? { signature } : {}) };
    }
    case 'tool_use':
      return { type: 'tool_call', id: b.id, name: b.name, arguments: JSON.stringify(b.input ?? {}) };
  }
}

function malformed(message: string): UpstreamFailure {
  return new UpstreamFailure({ class: 'malformed', message });
}
