/** OpenAI Responses request body → canonical request (inbound), plus the continuation fields the server handles. */
import type { CanonicalRequest, ReasoningRequest, ResponseFormat, ToolChoice, ToolDefinition } from '../../canonical/index.js';
import { functionTool, gatewayErrorFromZod, isRecord } from '../common.js';
import { decodeInput } from './input-decode.js';
import { FunctionTool, ResponsesRequestSchema, type ResponsesRequest } from './schema.js';

/**
 * Decodes only what the body contains. `store`, `metadata`, `truncation`, `include`,
 * `previous_response_id` and `prompt_cache_key` are ignored here: the server reads them with
 * `readResponsesContinuation` and prepends a stored conversation itself.
 */
export function decodeResponsesRequest(body: unknown): CanonicalRequest {
  const parsed = ResponsesRequestSchema.safeParse(body);
  if (!parsed.success) throw gatewayErrorFromZod(parsed.error.issues);
  const req = parsed.data;
  const { system, messages } = decodeInput(req.input);
  const out: CanonicalRequest = {
    model: req.model,
    system: req.instructions ? [{ type: 'text', text: req.instructions }, ...system] : system,
    messages,
    tools: decodeTools(req.tools),
    stream: req.stream === true,
  };
  const toolChoice = decodeToolChoice(req.tool_choice);
  if (toolChoice) out.toolChoice = toolChoice;
  if (req.parallel_tool_calls != null) out.parallelToolCalls = req.parallel_tool_calls;
  if (req.max_output_tokens != null) out.maxOutputTokens = req.max_output_tokens;
  if (req.temperature != null) out.temperature = req.temperature;
  if (req.top_p != null) out.topP = req.top_p;
  const reasoning = decodeReasoning(req.reasoning);
  if (reasoning) out.reasoning = reasoning;
  const format = decodeFormat(req.text?.format);
  if (format) out.responseFormat = format;
  if (req.user != null) out.user = req.user;
  return out;
}

function decodeTools(tools: ResponsesRequest['tools']): ToolDefinition[] {
  return (tools ?? []).map((t, i): ToolDefinition => {
    if (t.type === 'function') {
      const r = FunctionTool.safeParse(t);
      if (!r.success) throw gatewayErrorFromZod(r.error.issues.map((x) => ({ ...x, path: ['tools', i, ...x.path] })));
      return functionTool(r.data);
    }
    const name = typeof t.name === 'string' ? t.name : undefined;
    return { type: 'builtin', kind: t.type, raw: { ...t }, ...(name !== undefined ? { name } : {}) };
  });
}

/**
 * `{type:'function'|'custom', name}` forces that tool; `allowed_tools` keeps only its mode (the
 * canonical model cannot restrict the tool list per request); forcing a provider tool
 * (`{type:'web_search_preview'}`…) becomes `required`.
 */
function decodeToolChoice(choice: ResponsesRequest['tool_choice']): ToolChoice | undefined {
  if (choice == null) return undefined;
  if (typeof choice === 'string') return { type: choice };
  if ('name' in choice && typeof choice.name === 'string' && (choice.type === 'function' || choice.type === 'custom')) {
    return { type: 'tool', name: choice.name };
  }
  if ('mode' in choice && (choice.mode === 'auto' || choice.mode === 'required')) return { type: choice.mode };
  return { type: 'required' };
}

/** Effort `none` means no reasoning, as an absent `reasoning` does canonically; a summary asks for thoughts. */
function decodeReasoning(r: ResponsesRequest['reasoning']): ReasoningRequest | undefined {
  if (r == null) return undefined;
  const out: ReasoningRequest = {};
  if (r.effort != null && r.effort !== 'none') out.effort = r.effort;
  if (r.summary != null && r.effort !== 'none') out.includeThoughts = true;
  return Object.keys(out).length > 0 ? out : undefined;
}

function decodeFormat(f: NonNullable<ResponsesRequest['text']>['format']): ResponseFormat | undefined {
  if (f == null) return undefined;
  if (f.type !== 'json_schema') return { type: f.type };
  return { type: 'json_schema', name: f.name, schema: f.schema, ...(f.strict != null ? { strict: f.strict } : {}) };
}

/** The conversation-state fields of a Responses request, read leniently (wrong types are ignored). */
export function readResponsesContinuation(body: unknown): {
  previousResponseId?: string;
  store?: boolean;
  promptCacheKey?: string;
} {
  if (!isRecord(body)) return {};
  const out: { previousResponseId?: string; store?: boolean; promptCacheKey?: string } = {};
  if (typeof body.previous_response_id === 'string' && body.previous_response_id !== '') out.previousResponseId = body.previous_response_id;
  if (typeof body.store === 'boolean') out.store = body.store;
  if (typeof body.prompt_cache_key === 'string' && body.prompt_cache_key !== '') out.promptCacheKey = body.prompt_cache_key;
  return out;
}
