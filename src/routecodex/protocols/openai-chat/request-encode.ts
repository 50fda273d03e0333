/** Canonical request → OpenAI Chat Completions request body (upstream). */
import type {
  AssistantMessage,
  CanonicalRequest,
  FunctionTool,
  ImagePart,
  ToolChoice,
  UserMessage,
} from '../../canonical/index.js';
import { budgetToEffort, imageSourceToUrl } from '../common.js';
import type { UpstreamHttpRequest } from '../types.js';

export const CHAT_PATH = '/chat/completions';

type WireMessage = Record<string, unknown>;

export function encodeChatRequest(request: CanonicalRequest, model: string): UpstreamHttpRequest {
  const messages: WireMessage[] = [];
  // One system message: several compatible chat templates accept a system message only at the start.
  if (request.system.length > 0) {
    messages.push({ role: 'system', content: request.system.map((p) => p.text).join('\n\n') });
  }
  for (const m of request.messages) {
    if (m.role === 'user') messages.push(...encodeUser(m));
    else messages.push(encodeAssistant(m));
  }
  const body: Record<string, unknown> = { model, messages };
  // Builtin (provider-executed) tools have no Chat Completions equivalent: dropped. tool_choice and
  // parallel_tool_calls are only allowed alongside tools.
  const tools = request.tools.filter((t): t is FunctionTool => t.type === 'function');
  if (tools.length > 0) {
    body.tools = tools.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        parameters: t.parameters,
        ...(t.strict !== undefined ? { strict: t.strict } : {}),
      },
    }));
    const choice = encodeToolChoice(request.toolChoice, tools);
    if (choice !== undefined) body.tool_choice = choice;
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }
  if (request.maxOutputTokens !== undefined) body.max_completion_tokens = request.maxOutputTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.stopSequences !== undefined && request.stopSequences.length > 0) body.stop = request.stopSequences;
  const r = request.reasoning;
  const effort = r?.effort ?? (r?.budgetTokens !== undefined ? budgetToEffort(r.budgetTokens) : undefined);
  if (effort !== undefined) body.reasoning_effort = effort;
  const rf = request.responseFormat;
  if (rf !== undefined) {
    body.response_format =
      rf.type === 'json_schema'
        ? {
            type: 'json_schema',
            json_schema: { name: rf.name, schema: rf.schema, ...(rf.strict !== undefined ? { strict: rf.strict } : {}) },
          }
        : { type: rf.type };
  }
  body.stream = request.stream;
  // The gateway needs usage for every streamed response, whatever the client asked for.
  if (request.stream) body.stream_options = { include_usage: true };
  if (request.user !== undefined) body.user = request.user;
  return { path: CHAT_PATH, body };
}

function encodeToolChoice(choice: ToolChoice | undefined, tools: FunctionTool[]): unknown {
  if (choice === undefined) return undefined;
  if (choice.type !== 'tool') return choice.type;
  // A forced builtin tool was dropped with its declaration; let the model choose instead.
  if (!tools.some((t) => t.name === choice.name)) return undefined;
  return { type: 'function', function: { name: choice.name } };
}

function imageWire(p: ImagePart): Record<string, unknown> {
  const image_url: Record<string, unknown> = { url: imageSourceToUrl(p.source) };
  if (p.detail !== undefined) image_url.detail = p.detail;
  return { type: 'image_url', image_url };
}

/** A user message becomes one `tool` message per tool result, then a user message with everything else. */
function encodeUser(m: UserMessage): WireMessage[] {
  const out: WireMessage[] = [];
  const rest: Array<Record<string, unknown>> = [];
  let restIsText = true;
  for (const p of m.content) {
    if (p.type === 'tool_result') {
      const text = p.content.flatMap((c) => (c.type === 'text' ? [c.text] : [])).join('\n');
      out.push({ role: 'tool', tool_call_id: p.callId, content: text });
      // Chat tool messages carry only text: the result's images follow in the user message.
      for (const c of p.content) {
        if (c.type === 'image') {
          rest.push(imageWire(c));
          restIsText = false;
        }
      }
    } else if (p.type === 'text') {
      rest.push({ type: 'text', text: p.text });
    } else {
      rest.push(imageWire(p));
      restIsText = false;
    }
  }
  const hadToolResults = out.length > 0;
  if (rest.length === 1 && restIsText) out.push({ role: 'user', content: (rest[0] as { text: string }).text });
  else if (rest.length > 0) out.push({ role: 'user', content: rest });
  else if (!hadToolResults) out.push({ role: 'user', content: '' });
  return out;
}

function encodeAssistant(m: AssistantMessage): WireMessage {
  const texts: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: Array<Record<string, unknown>> = [];
  for (const p of m.content) {
    if (p.type === 'text') texts.push(p.text);
    else if (p.type === 'reasoning') {
      if (p.text !== '') reasoning.push(p.text);
    } else {
      toolCalls.push({
        id: p.id,
        type: 'function',
        function: { name: p.name, arguments: p.arguments.trim() === '' ? '{}' : p.arguments },
      });
    }
  }
  const out: WireMessage = { role: 'assistant' };
  out.content = texts.length > 0 ? texts.join('') : toolCalls.length > 0 ? null : '';
  if (reasoning.length > 0) out.reasoning_content = reasoning.join('');
  if (toolCalls.length > 0) out.tool_calls = toolCalls;
  return out;
}
