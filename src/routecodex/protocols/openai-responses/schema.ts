/**
 * Zod schema of an inbound OpenAI Responses request. Unknown fields are accepted and ignored; every
 * field the decoder reads is type-checked. Optional fields accept `null` (clients send it).
 * Input items are validated one by one in `input-decode.ts` (their type decides their schema).
 */
import { z } from 'zod';

const unionMessage =
  (what: string) =>
  (issue: { code: string }): string | undefined =>
    issue.code === 'invalid_union' ? what : undefined;

function isImageUrl(url: string): boolean {
  return /^https?:\/\//i.test(url) || /^data:/i.test(url);
}

export const InputTextPart = z.object({ type: z.enum(['input_text', 'output_text']), text: z.string() });

export const InputImagePart = z.object({
  type: z.literal('input_image'),
  image_url: z.string().refine(isImageUrl, 'must be an http(s) URL or a data: URL').nullish(),
  file_id: z.string().nullish(),
  detail: z.enum(['auto', 'low', 'high']).nullish(),
});

export const RefusalPart = z.object({ type: z.literal('refusal'), refusal: z.string() });

/** Any content part; the role decides which types are allowed (see input-decode.ts). */
export const ContentPart = z.discriminatedUnion('type', [InputTextPart, InputImagePart, RefusalPart], {
  error: unionMessage("unsupported content part type (supported: 'input_text', 'input_image', 'output_text', 'refusal')"),
});

export const MessageItem = z.object({
  type: z.literal('message').optional(),
  role: z.enum(['user', 'assistant', 'system', 'developer'], {
    error: "unsupported role (supported: 'user', 'assistant', 'system', 'developer')",
  }),
  content: z.union([z.string(), z.array(ContentPart)]),
});

export const FunctionCallItem = z.object({
  type: z.literal('function_call'),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  id: z.string().nullish(),
});

export const FunctionCallOutputItem = z.object({
  type: z.literal('function_call_output'),
  call_id: z.string().min(1),
  output: z.union([z.string(), z.array(z.discriminatedUnion('type', [InputTextPart, InputImagePart]))]),
});

export const ReasoningItem = z.object({
  type: z.literal('reasoning'),
  id: z.string().nullish(),
  summary: z.array(z.object({ type: z.literal('summary_text'), text: z.string() })).nullish(),
  content: z.array(z.object({ type: z.literal('reasoning_text'), text: z.string() })).nullish(),
  encrypted_content: z.string().nullish(),
});

/** Responses tools are flat: `{type:'function', name, …}`; every other type is provider-executed. */
export const FunctionTool = z.object({
  type: z.literal('function'),
  name: z.string().min(1),
  description: z.string().nullish(),
  parameters: z.record(z.string(), z.unknown()).nullish(),
  strict: z.boolean().nullish(),
});

/** Any tool declaration; function tools are checked against `FunctionTool` by the decoder. */
const Tool = z.looseObject({ type: z.string().min(1) }, { error: 'expected a tool object with a string type' });

const ToolChoice = z.union(
  [
    z.enum(['auto', 'none', 'required']),
    z.object({ type: z.enum(['function', 'custom']), name: z.string().min(1) }),
    z.object({ type: z.literal('allowed_tools'), mode: z.enum(['auto', 'required']) }),
    z.object({ type: z.string().min(1) }),
  ],
  { error: unionMessage("expected 'auto', 'none', 'required' or {type:'function', name}") },
);

const TextFormat = z.discriminatedUnion(
  'type',
  [
    z.object({ type: z.literal('text') }),
    z.object({ type: z.literal('json_object') }),
    z.object({
      type: z.literal('json_schema'),
      name: z.string().min(1),
      schema: z.record(z.string(), z.unknown()),
      strict: z.boolean().nullish(),
    }),
  ],
  { error: unionMessage("unsupported text.format type (supported: 'text', 'json_object', 'json_schema')") },
);

export const ResponsesRequestSchema = z.object({
  model: z.string().min(1),
  instructions: z.string().nullish(),
  /** Items are checked individually by the decoder so that errors name the item's own schema. */
  input: z.union([z.string(), z.array(z.unknown())]).nullish(),
  tools: z.array(Tool).nullish(),
  tool_choice: ToolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  max_output_tokens: z.number().int().positive().nullish(),
  temperature: z.number().nullish(),
  top_p: z.number().nullish(),
  reasoning: z
    .object({
      effort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']).nullish(),
      summary: z.enum(['auto', 'concise', 'detailed']).nullish(),
    })
    .nullish(),
  text: z.object({ format: TextFormat.nullish() }).nullish(),
  stream: z.boolean().nullish(),
  user: z.string().nullish(),
});

export type ResponsesRequest = z.infer<typeof ResponsesRequestSchema>;
export type ResponsesContentPart = z.infer<typeof ContentPart>;
export type ResponsesInputImage = z.infer<typeof InputImagePart>;
