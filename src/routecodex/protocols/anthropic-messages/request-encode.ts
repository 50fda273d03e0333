/** Canonical request → Anthropic Messages request body (upstream). */
import type {
  AssistantContentPart,
  CanonicalMessage,
  CanonicalRequest,
  ImagePart,
  ResponseFormat,
  TextPart,
  ToolChoice,
  ToolDefinition,
  UserContentPart,
} from '../../canonical/index.js';
import { effortToBudget, sanitizeToolCallId, toolArgumentsToObject } from '../common.js';
import { PROTOCOL } from './mapping.js';

export const MESSAGES_PATH = '/v1/messages';
export const DEFAULT_MAX_TOKENS = 8192;
/** Anthropic's smallest thinking budget. */
export const MIN_THINKING_BUDGET = 1024;
/** Room left for the answer when max_tokens must be raised above the thinking budget and none was asked for. */
const ANSWER_ROOM = 4096;

type Block = Record<string, unknown>;
interface WireMessage {
  role: 'user' | 'assistant';
  content: Block[];
}

export function encodeRequest(req: CanonicalRequest, model: string): { path: string; body: Record<string, unknown> } {
  const body: Record<string, unknown> = { model };
  const system = encodeSystem(req.system, req.responseFormat);
  if (system.length > 0) body['system'] = system;
  const messages = encodeMessages(req.messages);
  body['messages'] = messages;

  const tools = req.tools.map(encodeTool).filter((t): t is Block => t !== undefined);
  if (tools.length > 0) {
    body['tools'] = tools;
    const choice = encodeToolChoice(req.toolChoice, req.parallelToolCalls);
    if (choice) body['tool_choice'] = choice;
  }

  let budget = thinkingBudget(req);
  // Anthropic refuses thinking together with a forced tool choice, and refuses a tool-loop continuation
  // whose last assistant turn does not start with a signed thinking block: thinking gives way in both cases.
  if (budget !== undefined && (forcesToolUse(body['tool_choice']) || unsignedToolTurn(messages))) budget = undefined;

  let maxTokens = req.maxOutputTokens ?? DEFAULT_MAX_TOKENS;
  if (budget !== undefined && maxTokens <= budget) maxTokens = budget + (req.maxOutputTokens ?? ANSWER_ROOM);
  body['max_tokens'] = maxTokens;
  if (budget !== undefined) body['thinking'] = { type: 'enabled', budget_tokens: budget };

  // With thinking Anthropic requires temperature 1 (so none is sent) and top_p ≥ 0.95; current models
  // also refuse temperature and top_p together, so top_p gives way to temperature.
  if (req.temperature !== undefined && budget === undefined) body['temperature'] = req.temperature;
  if (req.topP !== undefined && body['temperature'] === undefined && (budget === undefined || req.topP >= 0.95)) {
    body['top_p'] = req.topP;
  }
  if (req.stopSequences && req.stopSequences.length > 0) body['stop_sequences'] = req.stopSequences;
  if (req.user !== undefined) body['metadata'] = { user_id: req.user };
  body['stream'] = req.stream;
  return { path: MESSAGES_PATH, body };
}

/** The thinking budget asked for: an explicit budget, else the budget of the effort; at least 1024. */
function thinkingBudget(req: CanonicalRequest): number | undefined {
  const r = req.reasoning;
  if (!r) return undefined;
  const budget = r.budgetTokens ?? (r.effort !== undefined ? effortToBudget(r.effort) : undefined);
  return budget === undefined ? undefined : Math.max(MIN_THINKING_BUDGET, budget);
}

function forcesToolUse(choice: unknown): boolean {
  const t = (choice as { type?: string } | undefined)?.type;
  return t === 'any' || t === 'tool';
}

/**
 * True when the conversation is inside a tool loop (the last message is a user turn carrying tool
 * results) and the assistant turn that made the calls does not start with a thinking block; Anthropic
 * rejects thinking for such a request, which happens when earlier turns came from another provider.
 */
export function unsignedToolTurn(messages: WireMessage[]): boolean {
  const last = messages.at(-1);
  const prev = messages.at(-2);
  if (!last || !prev || last.role !== 'user' || prev.role !== 'assistant') return false;
  if (!last.content.some((b) => b['type'] === 'tool_result')) return false;
  const first = prev.content[0]?.['type'];
  return first !== 'thinking' && first !== 'redacted_thinking';
}

/** JSON output formats become an instruction appended to the system prompt (Messages has no portable JSON mode). */
function encodeSystem(system: TextPart[], format: ResponseFormat | undefined): Block[] {
  const blocks: Block[] = system.filter((p) => p.text !== '').map((p) => ({ type: 'text', text: p.text }));
  const instruction = jsonInstruction(format);
  if (instruction) blocks.push({ type: 'text', text: instruction });
  return blocks;
}

export function jsonInstruction(format: ResponseFormat | undefined): string | undefined {
  if (format?.type === 'json_object') {
    return 'Respond with a single valid JSON object only, with no text before or after it and no code fences.';
  }
  if (format?.type === 'json_schema') {
    return (
      'Respond with a single valid JSON value only, with no text before or after it and no code fences. ' +
      `It must conform to this JSON Schema (${format.name}): ${JSON.stringify(format.schema)}`
    );
  }
  return undefined;
}

/**
 * Messages: empty parts and messages are left out, consecutive same-role turns are merged (Anthropic
 * requires alternation), and tool results come first in a user turn (Anthropic requires the results
 * of the preceding tool_use blocks to lead the next user turn).
 */
function encodeMessages(messages: CanonicalMessage[]): WireMessage[] {
  const out: WireMessage[] = [];
  for (const m of messages) {
    const blocks = m.role === 'user' ? m.content.map(encodeUserPart) : m.content.map(encodeAssistantPart);
    const content = blocks.filter((b): b is Block => b !== undefined);
    if (content.length === 0) continue;
    const prev = out.at(-1);
    if (prev && prev.role === m.role) prev.content.push(...content);
    else out.push({ role: m.role, content });
  }
  for (const m of out) {
    if (m.role === 'user') m.content = [...m.content.filter(isToolResult), ...m.content.filter((b) => !isToolResult(b))];
  }
  return out;
}

function isToolResult(b: Block): boolean {
  return b['type'] === 'tool_result';
}

function encodeMedia(p: TextPart | ImagePart): Block | undefined {
  if (p.type === 'text') return p.text === '' ? undefined : { type: 'text', text: p.text };
  const s = p.source;
  return {
    type: 'image',
    source: s.kind === 'url' ? { type: 'url', url: s.url } : { type: 'base64', media_type: s.mediaType, data: s.data },
  };
}

function encodeUserPart(p: UserContentPart): Block | undefined {
  if (p.type !== 'tool_result') return encodeMedia(p);
  const block: Block = { type: 'tool_result', tool_use_id: sanitizeToolCallId(p.callId) };
  const content = p.content.map(encodeMedia).filter((b): b is Block => b !== undefined);
  if (content.length > 0) block['content'] = content;
  if (p.isError) block['is_error'] = true;
  return block;
}

/** Reasoning is sent back only with an Anthropic signature: Anthropic rejects unsigned or foreign thinking. */
function encodeAssistantPart(p: AssistantContentPart): Block | undefined {
  switch (p.type) {
    case 'text':
      return p.text === '' ? undefined : { type: 'text', text: p.text };
    case 'tool_call':
      return { type: 'tool_use', id: sanitizeToolCallId(p.id), name: p.name, input: toolArgumentsToObject(p.arguments) };
    case 'reasoning':
      if (p.signature?.protocol !== PROTOCOL) return undefined;
      if (p.redacted) return { type: 'redacted_thinking', data: p.signature.value };
      return { type: 'thinking', thinking: p.text, signature: p.signature.value };
  }
}

/** Anthropic server tool types carry a version date, e.g. `web_search_20250305`, `text_editor_20250728`. */
export function isAnthropicServerToolType(kind: string): boolean {
  return /^[a-z][a-z0-9_]*_\d{8}$/.test(kind);
}

/**
 * Function tools become custom tools (`strict` is not sent: models without structured outputs reject
 * it); builtin tools pass through only when they were declared for Anthropic.
 */
function encodeTool(t: ToolDefinition): Block | undefined {
  if (t.type === 'builtin') return isAnthropicServerToolType(t.kind) ? { ...t.raw } : undefined;
  const block: Block = { name: t.name };
  if (t.description !== undefined) block['description'] = t.description;
  block['input_schema'] = t.parameters;
  return block;
}

function encodeToolChoice(choice: ToolChoice | undefined, parallel: boolean | undefined): Block | undefined {
  const disable = parallel === false ? { disable_parallel_tool_use: true } : {};
  switch (choice?.type) {
    case undefined:
      return parallel === false ? { type: 'auto', ...disable } : undefined;
    case 'auto':
      return { type: 'auto', ...disable };
    case 'required':
      return { type: 'any', ...disable };
    case 'tool':
      return { type: 'tool', name: choice.name, ...disable };
    case 'none':
      return { type: 'none' };
  }
}
