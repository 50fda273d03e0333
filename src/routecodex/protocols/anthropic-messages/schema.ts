/**
 * zod schemas of the Anthropic Messages request body. Unknown fields are accepted and ignored; every
 * field the decoder reads is type-checked. Content blocks are checked one by one (`parseAt`) so that
 * an error names the exact block, and unknown block types get a clear message.
 */
import { z } from 'zod';
import { gatewayErrorFromZod, type ValidationIssueLike } from '../common.js';

export const TextBlockSchema = z.object({ type: z.literal('text'), text: z.string() });

export const ImageBlockSchema = z.object({
  type: z.literal('image'),
  source: z.discriminatedUnion('type', [
    z.object({ type: z.literal('base64'), media_type: z.string(), data: z.string() }),
    z.object({ type: z.literal('url'), url: z.string() }),
  ]),
});

export const ToolUseBlockSchema = z.object({
  type: z.literal('tool_use'),
  id: z.string(),
  name: z.string(),
  input: z.record(z.string(), z.unknown()),
});

/** A block of unknown type: only `type` is checked here; the decoder dispatches on it. */
export const AnyBlockSchema = z.looseObject({ type: z.string() });

export const ToolResultBlockSchema = z.object({
  type: z.literal('tool_result'),
  tool_use_id: z.string(),
  content: z.union([z.string(), z.array(AnyBlockSchema)]).optional(),
  is_error: z.boolean().optional(),
});

export const ThinkingBlockSchema = z.object({
  type: z.literal('thinking'),
  thinking: z.string(),
  signature: z.string().optional(),
});

export const RedactedThinkingBlockSchema = z.object({ type: z.literal('redacted_thinking'), data: z.string() });

/** A custom (client-executed) tool. */
export const CustomToolSchema = z.object({
  type: z.literal('custom').optional(),
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()),
  strict: z.boolean().optional(),
});

/** A server tool (`web_search_20250305`, `bash_20250124`…), kept as declared. */
export const ServerToolSchema = z.looseObject({ type: z.string(), name: z.string().optional() });

const ToolChoiceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('any'), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('tool'), name: z.string(), disable_parallel_tool_use: z.boolean().optional() }),
  z.object({ type: z.literal('none') }),
]);

const ThinkingConfigSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('enabled'), budget_tokens: z.number().int().min(1) }),
  z.object({ type: z.literal('disabled') }),
  z.object({ type: z.literal('adaptive'), display: z.enum(['summarized', 'omitted']).nullish() }),
]);

const OutputConfigSchema = z.object({
  effort: z.enum(['low', 'medium', 'high', 'xhigh', 'max']).nullish(),
  format: z
    .object({ type: z.literal('json_schema'), schema: z.record(z.string(), z.unknown()) })
    .nullish(),
});

const MessageSchema = z.object({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(AnyBlockSchema)]),
});

export const RequestSchema = z.object({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  system: z.union([z.string(), z.array(AnyBlockSchema)]).optional(),
  messages: z.array(MessageSchema).min(1),
  tools: z.array(z.looseObject({ type: z.string().optional() })).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  metadata: z.object({ user_id: z.string().nullish() }).optional(),
  thinking: ThinkingConfigSchema.optional(),
  output_config: OutputConfigSchema.optional(),
});

/** `/v1/messages/count_tokens` takes the same body without `max_tokens`. */
export const CountTokensRequestSchema = RequestSchema.extend({ max_tokens: z.number().int().min(1).optional() });

export type AnthropicRequest = z.infer<typeof CountTokensRequestSchema>;
export type AnyBlock = z.infer<typeof AnyBlockSchema>;

/** Parses `value` (found at `path` in the body); throws a 400 GatewayError naming the full path. */
export function parseAt<S extends z.ZodType>(schema: S, value: unknown, path: ReadonlyArray<PropertyKey>): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw gatewayErrorFromZod(r.error.issues.map((i) => prefixIssue(i, path)));
}

function prefixIssue(issue: ValidationIssueLike, path: ReadonlyArray<PropertyKey>): ValidationIssueLike {
  return { ...issue, path: [...path, ...issue.path] };
}
