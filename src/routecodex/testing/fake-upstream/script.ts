/**
 * The fake upstream's script format (zod): an ordered list of rules, each an optional match, an optional
 * use count and a reply (text, reasoning, tool calls, usage, timing, chunking, or a fault).
 */
import { z } from 'zod';

export const FAKE_PROTOCOLS = ['openai', 'responses', 'anthropic', 'gemini'] as const;
export const FakeProtocolSchema = z.enum(FAKE_PROTOCOLS);
export type FakeProtocol = z.infer<typeof FakeProtocolSchema>;

const nonNegativeInt = z.number().int().min(0);
const positiveInt = z.number().int().min(1);
const headerMap = z.record(z.string(), z.string());

export const FakeMatchSchema = z.strictObject({
  protocol: FakeProtocolSchema.optional(),
  model: z.string().optional(),
  /** The key the request carried: `Authorization: Bearer`, `x-api-key`, `x-goog-api-key` or `?key=`. */
  apiKey: z.string().optional(),
  /** Substring of the request's last user-authored text. */
  contains: z.string().optional(),
  stream: z.boolean().optional(),
  /** Header name (case-insensitive) whose value must equal `value`. */
  header: z.strictObject({ name: z.string().min(1), value: z.string() }).optional(),
});

export const FakeToolCallSchema = z.strictObject({
  id: z.string().min(1).optional(),
  name: z.string().min(1),
  /** An object (serialized as JSON) or a raw string (sent verbatim, so it may be invalid JSON on purpose). */
  arguments: z.union([z.record(z.string(), z.unknown()), z.string()]),
});

export const FakeUsageSchema = z.strictObject({
  /** Prompt tokens, cached ones included. */
  input: nonNegativeInt.optional(),
  /** Generated tokens, reasoning included. */
  output: nonNegativeInt.optional(),
  /** Of `input`, how many were read from the prompt cache. */
  cached: nonNegativeInt.optional(),
  /** Of `output`, how many were reasoning. */
  reasoning: nonNegativeInt.optional(),
});

const statusFault = z.strictObject({
  status: z.number().int().min(200).max(599),
  retryAfter: z.union([z.string(), nonNegativeInt]).optional(),
  /** Replaces the protocol's error body entirely (a string is sent as is). */
  body: z.unknown().optional(),
  message: z.string().optional(),
  headers: headerMap.optional(),
});

export const FakeFaultSchema = z.union([
  statusFault,
  z.strictObject({ hangBeforeHeaders: z.literal(true) }),
  z.strictObject({ hangAfterEvents: nonNegativeInt }),
  z.strictObject({ cutAfterEvents: nonNegativeInt }),
  z.strictObject({ malformedAfterEvents: nonNegativeInt }),
  z.strictObject({
    inBandErrorAfterEvents: nonNegativeInt,
    status: z.number().int().min(400).max(599).optional(),
    message: z.string().optional(),
  }),
  z.strictObject({ resetConnection: z.literal(true) }),
]);

export const FakeReplySchema = z.strictObject({
  text: z.string().optional(),
  /** Reply with the request's last user text. */
  echo: z.boolean().optional(),
  reasoning: z.string().optional(),
  reasoningSignature: z.string().optional(),
  toolCalls: z.array(FakeToolCallSchema).optional(),
  usage: FakeUsageSchema.optional(),
  stopReason: z.enum(['stop', 'length', 'tool_calls']).optional(),
  /** Delay before the response headers; overrides the server-wide `latencyMs`. */
  latencyMs: nonNegativeInt.optional(),
  /** Delay between SSE events (between byte slices when `byteChunkSize` is set). */
  chunkDelayMs: nonNegativeInt.optional(),
  /** Characters per text / reasoning delta (default 8). */
  chunkSize: positiveInt.optional(),
  /** Characters per tool-argument fragment (default 6). */
  argsChunkSize: positiveInt.optional(),
  /** Write the SSE body in raw byte slices of this size (cutting multi-byte characters). */
  byteChunkSize: positiveInt.optional(),
  headers: headerMap.optional(),
  fault: FakeFaultSchema.optional(),
});

export const FakeRuleSchema = z.strictObject({
  match: FakeMatchSchema.optional(),
  /** Use the rule this many times, then it is spent. Unlimited when absent. */
  times: positiveInt.optional(),
  reply: FakeReplySchema,
});

export const FakeScriptSchema = z.strictObject({ rules: z.array(FakeRuleSchema) });

export type FakeMatch = z.infer<typeof FakeMatchSchema>;
export type FakeToolCall = z.infer<typeof FakeToolCallSchema>;
export type FakeUsage = z.infer<typeof FakeUsageSchema>;
export type FakeFault = z.infer<typeof FakeFaultSchema>;
export type FakeReply = z.infer<typeof FakeReplySchema>;
export type FakeRule = z.infer<typeof FakeRuleSchema>;
export type FakeScript = z.infer<typeof FakeScriptSchema>;
