/**
 * Canonical request → upstream Responses request. Stateless by design: `store: false`, and when
 * reasoning is requested `include: ['reasoning.encrypted_content']`, so reasoning items can be replayed
 * from their encrypted content. Dropped: stop sequences (Responses has none), reasoning from other
 * protocols (its signature is useless here), tool-result error flags, built-in tools declared for
 * other protocols, cache-write hints.
 */
import type {
  AssistantContentPart,
  BuiltinTool,
  CanonicalRequest,
  ImagePart,
  TextPart,
  ToolDefinition,
  ToolResultPart,
  UserContentPart,
} from '../../canonical/index.js';
import { budgetToEffort, imageSourceToUrl } from '../common.js';
import type { UpstreamHttpRequest } from '../types.js';

/** Built-in tool types of the Responses API; only declarations of these pass through. */
const RESPONSES_BUILTIN_TYPES = new Set([
  'web_search',
  'web_search_2025_08_26',
  'web_search_preview',
  'web_search_preview_2025_03_11',
  'file_search',
  'code_interpreter',
  'computer_use_preview',
  'computer_use',
  'image_generation',
  'mcp',
  'local_shell',
  'shell',
  'apply_patch',
  'custom',
]);

type Item = Record<string, unknown>;

function inputImage(p: ImagePart): Item {
  return { type: 'input_image', image_url: imageSourceToUrl(p.source), detail: p.detail ?? 'auto' };
}

function toolOutput(r: ToolResultPart): string | Item[] {
  if (r.content.every((c) => c.type === 'text')) return r.content.map((c) => (c as TextPart).text).join('\n');
  return r.content.map((c) => (c.type === 'text' ? { type: 'input_text', text: c.text } : inputImage(c)));
}

/** User content: tool results become function_call_output items; other parts group into user messages. */
function userItems(content: UserContentPart[]): Item[] {
  const items: Item[] = [];
  let parts: Item[] = [];
  const flush = (): void => {
    if (parts.length > 0) items.push({ type: 'message', role: 'user', content: parts });
    parts = [];
  };
  for (const p of content) {
    if (p.type === 'tool_result') {
      flush();
      items.push({ type: 'function_call_output', call_id: p.callId, output: toolOutput(p) });
    } else parts.push(p.type === 'text' ? { type: 'input_text', text: p.text } : inputImage(p));
  }
  flush();
  return items;
}

/** Assistant content in order: text → output messages, tool calls → function_call, own reasoning → reasoning. */
function assistantItems(content: AssistantContentPart[]): Item[] {
  const items: Item[] = [];
  for (const p of content) {
    if (p.type === 'text') {
      if (p.text !== '') items.push({ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: p.text }] });
    } else if (p.type === 'tool_call') {
      items.push({ type: 'function_call', call_id: p.id, name: p.name, arguments: p.arguments });
    } else if (p.signature?.protocol === 'openai-responses') {
      items.push({
        type: 'reasoning',
        summary: p.text === '' ? [] : [{ type: 'summary_text', text: p.text }],
        encrypted_content: p.signature.value,
      });
    }
  }
  return items;
}

function encodeTool(t: ToolDefinition): Item | undefined {
  if (t.type === 'function') {
    return {
      type: 'function',
      name: t.name,
      ...(t.description !== undefined ? { description: t.description } : {}),
      parameters: t.parameters,
      ...(t.strict !== undefined ? { strict: t.strict } : {}),
    };
  }
  return isResponsesBuiltin(t) ? { ...t.raw } : undefined;
}

/** A built-in declared in Responses' own shape (`raw.type` is a Responses tool type). */
function isResponsesBuiltin(t: BuiltinTool): boolean {
  return typeof t.raw.type === 'string' && t.raw.type === t.kind && RESPONSES_BUILTIN_TYPES.has(t.kind);
}

export function encodeResponsesRequest(req: CanonicalRequest, model: string): UpstreamHttpRequest {
  const input: Item[] = [];
  for (const m of req.messages) input.push(...(m.role === 'user' ? userItems(m.content) : assistantItems(m.content)));
  const body: Record<string, unknown> = { model, input };
  const instructions = req.system.map((p) => p.text).join('\n\n');
  if (instructions !== '') body.instructions = instructions;
  const tools = req.tools.map(encodeTool).filter((t): t is Item => t !== undefined);
  if (tools.length > 0) body.tools = tools;
  if (req.toolChoice) {
    const c = req.toolChoice;
    body.tool_choice = c.type === 'tool' ? { type: 'function', name: c.name } : c.type;
  }
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  if (req.maxOutputTokens !== undefined) body.max_output_tokens = req.maxOutputTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  if (req.reasoning) {
    const r = req.reasoning;
    const effort = r.effort ?? (r.budgetTokens !== undefined ? budgetToEffort(r.budgetTokens) : undefined);
    body.reasoning = { ...(effort !== undefined ? { effort } : {}), ...(r.includeThoughts ? { summary: 'auto' } : {}) };
    body.include = ['reasoning.encrypted_content'];
  }
  const f = req.responseFormat;
  if (f) {
    body.text = {
      format: f.type === 'json_schema' ? { type: 'json_schema', name: f.name, schema: f.schema, ...(f.strict !== undefined ? { strict: f.strict } : {}) } : { type: f.type },
    };
  }
  body.stream = req.stream;
  body.store = false;
  if (req.user !== undefined) body.user = req.user;
  return { path: '/responses', body };
}
