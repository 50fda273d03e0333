/**
 * Zod schema of an inbound OpenAI Chat Completions request. Unknown fields are accepted and ignored;
 * every field the decoder reads is type-checked. Optional fields accept `null` (clients send it).
 */
import { z } from 'zod';

const unionMessage =
  (what: string) =>
  (issue: { code: string }): string | undefined =>
    issue.code === 'invalid_union' ? what : undefined;

const TextPart = z.object({ type: z.literal('text'), text: z.string() });

const TextContent = z.union([z.string(), z.array(TextPart)]);

function isImageUrl(url: string): boolean {
  return /^https?:\/\//i.test(url) || /^data:/i.test(url);
}

const ImageUrlPart = z.object({
  type: z.literal('image_url'),
  image_url: z.object({
    url: z.string().refine(isImageUrl, 'must be an http(s) URL or a data: URL'),
    detail: z.enum(['auto', 'low', 'high']).nullish(),
  }),
});

const UserPart = z.discriminatedUnion('type', [TextPart, ImageUrlPart], {
  error: unionMessage("unsupported content part type (supported: 'text', 'image_url')"),
});

const AssistantPart = z.discriminatedUnion('type', [TextPart, z.object({ type: z.literal('refusal'), refusal: z.string() })], {
  error: unionMessage("unsupported assistant content part type (supported: 'text', 'refusal')"),
});

const ToolCall = z.object({
  id: z.string(),
  type: z.literal('function', { error: "only tool calls of type 'function' are supported" }).optional(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const SystemMessage = z.object({ role: z.enum(['system', 'developer']), content: TextContent });

const UserMessage = z.object({
  role: z.literal('user'),
  content: z.union([z.string(), z.array(UserPart)]),
});

const AssistantMessage = z.object({
  role: z.literal('assistant'),
  content: z.union([z.string(), z.array(AssistantPart)]).nullish(),
  tool_calls: z.array(ToolCall).nullish(),
  reasoning_content: z.string().nullish(),
  refusal: z.string().nullish(),
});

const ToolMessage = z.object({ role: z.literal('tool'), tool_call_id: z.string(), content: TextContent });

const Message = z.discriminatedUnion('role', [SystemMessage, UserMessage, AssistantMessage, ToolMessage], {
  error: unionMessage("unsupported message role (supported: 'system', 'developer', 'user', 'assistant', 'tool')"),
});

const FunctionTool = z.object({
  type: z.literal('function', { error: "only tools of type 'function' are supported" }),
  function: z.object({
    name: z.string().min(1),
    description: z.string().nullish(),
    parameters: z.record(z.string(), z.unknown()).nullish(),
    strict: z.boolean().nullish(),
  }),
});

const ToolChoice = z.union(
  [
    z.enum(['auto', 'none', 'required']),
    z.object({ type: z.literal('function'), function: z.object({ name: z.string() }) }),
  ],
  { error: unionMessage("expected 'auto', 'none', 'required' or {type:'function', function:{name}}") },
);

const ResponseFormat = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('json_object') }),
    z.object({
      type: z.literal('json_schema'),
      json_schema: z.object({
        name: z.string(),
        schema: z.record(z.string(), z.unknown()).nullish(),
        strict: z.boolean().nullish(),
      }),
    }),
  ],
  { error: unionMessage("unsupported response_format type (supported: 'text', 'json_object', 'json_schema')") },
);

export const ChatRequestSchema = z.object({
  model: z.string().min(1),
  messages: z.array(Message).min(1),
  tools: z.array(FunctionTool).nullish(),
  tool_choice: ToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  stop: z.union([z.string(), z.array(z.string())]).nullish(),
  reasoning_effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
  response_format: ResponseFormat.nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  user: z.string().nullish(),
  n: z.number().int().positive().nullish(),
});

export type ChatRequest = z.infer<typeof ChatRequestSchema>;
export type ChatMessage = z.infer<typeof Message>;
export type ChatUserPart = z.infer<typeof UserPart>;
export type ChatAssistantMessage = z.infer<typeof AssistantMessage>;
