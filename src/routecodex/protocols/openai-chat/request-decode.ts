/** OpenAI Chat Completions request body → canonical request (inbound). */
import {
  GatewayError,
  type AssistantContentPart,
  type CanonicalMessage,
  type CanonicalRequest,
  type ResponseFormat,
  type TextPart,
  type ToolChoice,
  type ToolDefinition,
  type UserContentPart,
  type UserMessage,
} from '../../canonical/index.js';
import { functionTool, gatewayErrorFromZod, imageSourceFromUrl } from '../common.js';
import { ChatRequestSchema, type ChatAssistantMessage, type ChatMessage, type ChatRequest, type ChatUserPart } from './schema.js';

export function decodeChatRequest(body: unknown): CanonicalRequest {
  const parsed = ChatRequestSchema.safeParse(body);
  if (!parsed.success) throw gatewayErrorFromZod(parsed.error.issues);
  const req = parsed.data;
  if (req.n != null && req.n > 1) {
    throw new GatewayError(400, 'invalid_request_error', 'n: only n=1 is supported (one choice per request)', 'n');
  }
  const { system, messages } = decodeMessages(req.messages);
  const out: CanonicalRequest = {
    model: req.model,
    system,
    messages,
    tools: decodeTools(req),
    stream: req.stream === true,
  };
  const toolChoice = decodeToolChoice(req.tool_choice);
  if (toolChoice) out.toolChoice = toolChoice;
  if (req.parallel_tool_calls != null) out.parallelToolCalls = req.parallel_tool_calls;
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens != null) out.maxOutputTokens = maxTokens;
  if (req.temperature != null) out.temperature = req.temperature;
  if (req.top_p != null) out.topP = req.top_p;
  if (req.stop != null) {
    const stops = typeof req.stop === 'string' ? [req.stop] : req.stop;
    if (stops.length > 0) out.stopSequences = stops;
  }
  // 'none' turns reasoning off, which is also what an absent `reasoning` means canonically.
  if (req.reasoning_effort != null && req.reasoning_effort !== 'none') out.reasoning = { effort: req.reasoning_effort };
  const format = decodeResponseFormat(req.response_format);
  if (format) out.responseFormat = format;
  if (out.stream && req.stream_options?.include_usage === true) out.streamUsage = true;
  if (req.user != null) out.user = req.user;
  return out;
}

function textParts(content: string | Array<{ text: string }>): TextPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.map((p) => ({ type: 'text', text: p.text }));
}

function decodeMessages(input: ChatMessage[]): { system: TextPart[]; messages: CanonicalMessage[] } {
  const system: TextPart[] = [];
  const messages: CanonicalMessage[] = [];
  const toolNames = new Map<string, string>();
  /** The user message collecting consecutive tool results (and the user message after them). */
  let toolGroup: UserMessage | undefined;
  for (const m of input) {
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(...textParts(m.content));
        break;
      case 'user': {
        const parts = decodeUserContent(m.content);
        if (toolGroup) toolGroup.content.push(...parts);
        else messages.push({ role: 'user', content: parts });
        toolGroup = undefined;
        break;
      }
      case 'assistant': {
        toolGroup = undefined;
        const content = decodeAssistant(m);
        for (const p of content) if (p.type === 'tool_call') toolNames.set(p.id, p.name);
        if (content.length > 0) messages.push({ role: 'assistant', content });
        break;
      }
      case 'tool': {
        const name = toolNames.get(m.tool_call_id);
        const part: UserContentPart = {
          type: 'tool_result',
          callId: m.tool_call_id,
          content: textParts(m.content),
          ...(name !== undefined ? { name } : {}),
        };
        if (toolGroup) toolGroup.content.push(part);
        else {
          toolGroup = { role: 'user', content: [part] };
          messages.push(toolGroup);
        }
        break;
      }
    }
  }
  return { system, messages };
}

function decodeUserContent(content: string | ChatUserPart[]): UserContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((p): UserContentPart => {
    if (p.type === 'text') return { type: 'text', text: p.text };
    const detail = p.image_url.detail;
    return { type: 'image', source: imageSourceFromUrl(p.image_url.url), ...(detail != null ? { detail } : {}) };
  });
}

function decodeAssistant(m: ChatAssistantMessage): AssistantContentPart[] {
  const out: AssistantContentPart[] = [];
  if (m.reasoning_content) out.push({ type: 'reasoning', text: m.reasoning_content });
  if (typeof m.content === 'string') {
    if (m.content !== '') out.push({ type: 'text', text: m.content });
  } else if (m.content) {
    for (const p of m.content) {
      const text = p.type === 'text' ? p.text : p.refusal;
      if (text !== '') out.push({ type: 'text', text });
    }
  }
  if (m.refusal) out.push({ type: 'text', text: m.refusal });
  for (const c of m.tool_calls ?? []) {
    out.push({ type: 'tool_call', id: c.id, name: c.function.name, arguments: c.function.arguments });
  }
  return out;
}

function decodeTools(req: ChatRequest): ToolDefinition[] {
  return (req.tools ?? []).map((t) => functionTool(t.function));
}

function decodeToolChoice(choice: ChatRequest['tool_choice']): ToolChoice | undefined {
  if (choice == null) return undefined;
  if (typeof choice === 'string') return { type: choice };
  return { type: 'tool', name: choice.function.name };
}

function decodeResponseFormat(format: ChatRequest['response_format']): ResponseFormat | undefined {
  if (format == null) return undefined;
  if (format.type !== 'json_schema') return { type: format.type };
  const js = format.json_schema;
  return {
    type: 'json_schema',
    name: js.name,
    schema: js.schema ?? {},
    ...(js.strict != null ? { strict: js.strict } : {}),
  };
}
