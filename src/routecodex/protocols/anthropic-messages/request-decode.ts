/** Anthropic Messages request body → canonical request (inbound). */
import {
  GatewayError,
  type AssistantContentPart,
  type CanonicalMessage,
  type CanonicalRequest,
  type ImagePart,
  type ReasoningEffort,
  type ReasoningRequest,
  type TextPart,
  type ToolChoice,
  type ToolDefinition,
  type UserContentPart,
} from '../../canonical/index.js';
import { gatewayErrorFromZod, jsonPath } from '../common.js';
import { signatureFromWire } from './mapping.js';
import {
  CountTokensRequestSchema,
  CustomToolSchema,
  ImageBlockSchema,
  RedactedThinkingBlockSchema,
  RequestSchema,
  ServerToolSchema,
  TextBlockSchema,
  ThinkingBlockSchema,
  ToolResultBlockSchema,
  ToolUseBlockSchema,
  parseAt,
  type AnthropicRequest,
  type AnyBlock,
} from './schema.js';

type Path = ReadonlyArray<PropertyKey>;

/** Decodes a `/v1/messages` body; `max_tokens` is required. */
export function decodeRequest(body: unknown): CanonicalRequest {
  const r = RequestSchema.safeParse(body);
  if (!r.success) throw gatewayErrorFromZod(r.error.issues);
  return toCanonical(r.data);
}

/** Decodes a `/v1/messages/count_tokens` body: the same as a messages body, without `max_tokens`. */
export function decodeCountTokensRequest(body: unknown): CanonicalRequest {
  const r = CountTokensRequestSchema.safeParse(body);
  if (!r.success) throw gatewayErrorFromZod(r.error.issues);
  return toCanonical(r.data);
}

function toCanonical(b: AnthropicRequest): CanonicalRequest {
  const req: CanonicalRequest = {
    model: b.model,
    system: decodeSystem(b.system),
    messages: b.messages.map((m, i) =>
      m.role === 'user' ? decodeUser(m.content, ['messages', i, 'content']) : decodeAssistant(m.content, ['messages', i, 'content']),
    ),
    tools: (b.tools ?? []).map((t, i) => decodeTool(t, ['tools', i])),
    stream: b.stream ?? false,
  };
  if (b.tool_choice !== undefined) {
    req.toolChoice = decodeToolChoice(b.tool_choice);
    if ('disable_parallel_tool_use' in b.tool_choice && b.tool_choice.disable_parallel_tool_use === true) {
      req.parallelToolCalls = false;
    }
  }
  if (b.max_tokens !== undefined) req.maxOutputTokens = b.max_tokens;
  if (b.temperature !== undefined) req.temperature = b.temperature;
  if (b.top_p !== undefined) req.topP = b.top_p;
  if (b.stop_sequences !== undefined && b.stop_sequences.length > 0) req.stopSequences = b.stop_sequences;
  if (typeof b.metadata?.user_id === 'string') req.user = b.metadata.user_id;
  const reasoning = decodeReasoning(b);
  if (reasoning) req.reasoning = reasoning;
  const schema = b.output_config?.format?.schema;
  if (schema !== undefined) req.responseFormat = { type: 'json_schema', name: 'output', schema };
  return req;
}

function decodeSystem(system: AnthropicRequest['system']): TextPart[] {
  if (system === undefined) return [];
  if (typeof system === 'string') return system === '' ? [] : [{ type: 'text', text: system }];
  return system.map((block, i) => ({ type: 'text', text: parseAt(TextBlockSchema, block, ['system', i]).text }));
}

function blocksOf(content: string | AnyBlock[]): Array<AnyBlock | string> {
  return typeof content === 'string' ? [content] : content;
}

/** Blocks the server itself produced (server tools); they have no canonical form and are left out. */
function isServerToolBlock(type: string): boolean {
  return type === 'server_tool_use' || type === 'mcp_tool_use' || (type !== 'tool_result' && type.endsWith('_tool_result'));
}

function unsupported(type: string, role: string, path: Path): GatewayError {
  const where = jsonPath([...path, 'type']);
  return new GatewayError(400, 'invalid_request_error', `${where}: content block type '${type}' is not supported in a ${role} message`, where);
}

function decodeUser(content: string | AnyBlock[], path: Path): CanonicalMessage {
  const parts: UserContentPart[] = [];
  blocksOf(content).forEach((block, i) => {
    const at = typeof content === 'string' ? path : [...path, i];
    if (typeof block === 'string') {
      parts.push({ type: 'text', text: block });
      return;
    }
    switch (block.type) {
      case 'text':
      case 'image':
        parts.push(decodeMedia(block, at));
        return;
      case 'tool_result': {
        const tr = parseAt(ToolResultBlockSchema, block, at);
        const c = tr.content;
        const resultContent =
          c === undefined ? [] : typeof c === 'string' ? [{ type: 'text' as const, text: c }] : c.map((x, j) => decodeMedia(x, [...at, 'content', j]));
        parts.push({ type: 'tool_result', callId: tr.tool_use_id, content: resultContent, ...(tr.is_error ? { isError: true } : {}) });
        return;
      }
      default:
        if (isServerToolBlock(block.type)) return;
        throw unsupported(block.type, 'user', at);
    }
  });
  return { role: 'user', content: parts };
}

function decodeMedia(block: AnyBlock, at: Path): TextPart | ImagePart {
  if (block.type === 'text') return { type: 'text', text: parseAt(TextBlockSchema, block, at).text };
  if (block.type !== 'image') throw unsupported(block.type, 'tool_result', at);
  const { source } = parseAt(ImageBlockSchema, block, at);
  return {
    type: 'image',
    source: source.type === 'url' ? { kind: 'url', url: source.url } : { kind: 'base64', mediaType: source.media_type, data: source.data },
  };
}

function decodeAssistant(content: string | AnyBlock[], path: Path): CanonicalMessage {
  const parts: AssistantContentPart[] = [];
  blocksOf(content).forEach((block, i) => {
    const at = [...path, i];
    if (typeof block === 'string') {
      parts.push({ type: 'text', text: block });
      return;
    }
    switch (block.type) {
      case 'text':
        parts.push({ type: 'text', text: parseAt(TextBlockSchema, block, at).text });
        return;
      case 'tool_use': {
        const tu = parseAt(ToolUseBlockSchema, block, at);
        parts.push({ type: 'tool_call', id: tu.id, name: tu.name, arguments: JSON.stringify(tu.input) });
        return;
      }
      case 'thinking': {
        const t = parseAt(ThinkingBlockSchema, block, at);
        const signature = signatureFromWire(t.signature);
        parts.push({ type: 'reasoning', text: t.thinking, ...(signature ? { signature } : {}) });
        return;
      }
      case 'redacted_thinking': {
        const { data } = parseAt(RedactedThinkingBlockSchema, block, at);
        const signature = signatureFromWire(data);
        parts.push({ type: 'reasoning', text: '', redacted: true, ...(signature ? { signature } : {}) });
        return;
      }
      default:
        if (isServerToolBlock(block.type)) return;
        throw unsupported(block.type, 'assistant', at);
    }
  });
  return { role: 'assistant', content: parts };
}

function decodeTool(tool: Record<string, unknown>, at: Path): ToolDefinition {
  if (tool['type'] === undefined || tool['type'] === 'custom') {
    const t = parseAt(CustomToolSchema, tool, at);
    return {
      type: 'function',
      name: t.name,
      parameters: t.input_schema,
      ...(t.description !== undefined ? { description: t.description } : {}),
      ...(t.strict !== undefined ? { strict: t.strict } : {}),
    };
  }
  const t = parseAt(ServerToolSchema, tool, at);
  return { type: 'builtin', kind: t.type, ...(t.name !== undefined ? { name: t.name } : {}), raw: { ...tool } };
}

function decodeToolChoice(tc: NonNullable<AnthropicRequest['tool_choice']>): ToolChoice {
  switch (tc.type) {
    case 'auto':
      return { type: 'auto' };
    case 'any':
      return { type: 'required' };
    case 'tool':
      return { type: 'tool', name: tc.name };
    case 'none':
      return { type: 'none' };
  }
}

const EFFORT: Record<string, ReasoningEffort> = { low: 'low', medium: 'medium', high: 'high', xhigh: 'xhigh', max: 'xhigh' };

/**
 * `thinking.enabled` → a budget; `thinking.adaptive` and/or `output_config.effort` → an effort (Anthropic's
 * default effort is `high`; its `max` is canonical `xhigh`). `display: 'omitted'` turns off thought text.
 */
function decodeReasoning(b: AnthropicRequest): ReasoningRequest | undefined {
  const effortWire = b.output_config?.effort ?? undefined;
  const effort = effortWire !== undefined ? EFFORT[effortWire] : undefined;
  const t = b.thinking;
  if (t?.type === 'enabled') return { budgetTokens: t.budget_tokens, includeThoughts: true, ...(effort ? { effort } : {}) };
  if (t?.type === 'adaptive') return { effort: effort ?? 'high', includeThoughts: t.display !== 'omitted' };
  if (effort !== undefined && t?.type !== 'disabled') return { effort };
  return undefined;
}
