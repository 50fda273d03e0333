/**
 * Responses `input` items → canonical system text and messages. Each item is validated with the
 * schema of its own type, so errors carry the item's JSON path (`input[3].call_id`). Consecutive items
 * of one role merge into one canonical message, in item order (an assistant message, its reasoning and
 * its function calls form one assistant turn; function outputs and the user message after them, one user turn).
 */
import {
  GatewayError,
  type AssistantContentPart,
  type CanonicalMessage,
  type ImagePart,
  type TextPart,
  type UserContentPart,
} from '../../canonical/index.js';
import type { z } from 'zod';
import { gatewayErrorFromZod, imageSourceFromUrl } from '../common.js';
import {
  FunctionCallItem,
  FunctionCallOutputItem,
  MessageItem,
  ReasoningItem,
  type ResponsesContentPart,
  type ResponsesInputImage,
} from './schema.js';

/** Records of provider-executed tool calls: their results already shaped the assistant text that follows. */
const PROVIDER_RECORD_ITEMS = new Set([
  'web_search_call',
  'file_search_call',
  'code_interpreter_call',
  'image_generation_call',
  'mcp_call',
  'mcp_list_tools',
]);

type Role = CanonicalMessage['role'];
type Part = UserContentPart | AssistantContentPart;

export interface DecodedInput {
  system: TextPart[];
  messages: CanonicalMessage[];
}

function invalid(message: string, param: string): GatewayError {
  return new GatewayError(400, 'invalid_request_error', `${param}: ${message}`, param);
}

function parseItem<T>(schema: z.ZodType<T>, item: unknown, index: number): T {
  const r = schema.safeParse(item);
  if (r.success) return r.data;
  throw gatewayErrorFromZod(r.error.issues.map((i) => ({ ...i, path: ['input', index, ...i.path] })));
}

function itemType(item: unknown, index: number): string {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw invalid('expected an input item object', `input[${index}]`);
  const rec = item as Record<string, unknown>;
  if (rec.type === undefined) {
    if ('role' in rec) return 'message';
    throw invalid("missing 'type' (or 'role' for a message)", `input[${index}]`);
  }
  if (typeof rec.type !== 'string') throw invalid('expected a string', `input[${index}].type`);
  return rec.type;
}

export function decodeInput(input: string | unknown[] | null | undefined): DecodedInput {
  const system: TextPart[] = [];
  const messages: CanonicalMessage[] = [];
  if (input == null) return { system, messages };
  if (typeof input === 'string') return { system, messages: [{ role: 'user', content: [{ type: 'text', text: input }] }] };

  const toolNames = new Map<string, string>();
  const append = (role: Role, parts: Part[]): void => {
    if (parts.length === 0) return;
    const last = messages[messages.length - 1];
    if (last && last.role === role) (last.content as Part[]).push(...parts);
    else messages.push({ role, content: parts } as CanonicalMessage);
  };

  input.forEach((item, i) => {
    const type = itemType(item, i);
    switch (type) {
      case 'message': {
        const m = parseItem(MessageItem, item, i);
        if (m.role === 'system' || m.role === 'developer') system.push(...systemText(m.content, i));
        else if (m.role === 'user') append('user', userContent(m.content, i));
        else append('assistant', assistantContent(m.content, i));
        break;
      }
      case 'function_call': {
        const c = parseItem(FunctionCallItem, item, i);
        toolNames.set(c.call_id, c.name);
        append('assistant', [{ type: 'tool_call', id: c.call_id, name: c.name, arguments: c.arguments }]);
        break;
      }
      case 'function_call_output': {
        const o = parseItem(FunctionCallOutputItem, item, i);
        const name = toolNames.get(o.call_id);
        const content: Array<TextPart | ImagePart> =
          typeof o.output === 'string'
            ? [{ type: 'text', text: o.output }]
            : o.output.map((p, j) => (p.type === 'input_image' ? image(p, `input[${i}].output[${j}]`) : { type: 'text', text: p.text }));
        append('user', [{ type: 'tool_result', callId: o.call_id, content, ...(name !== undefined ? { name } : {}) }]);
        break;
      }
      case 'reasoning': {
        const r = parseItem(ReasoningItem, item, i);
        const summary = (r.summary ?? []).map((s) => s.text);
        const text = (summary.length > 0 ? summary : (r.content ?? []).map((c) => c.text)).join('\n\n');
        append('assistant', [
          {
            type: 'reasoning',
            text,
            ...(r.encrypted_content ? { signature: { protocol: 'openai-responses' as const, value: r.encrypted_content } } : {}),
          },
        ]);
        break;
      }
      case 'item_reference':
        throw invalid("'item_reference' is not supported: this gateway does not store items by id; send the item itself", `input[${i}].type`);
      default:
        if (PROVIDER_RECORD_ITEMS.has(type)) break;
        throw invalid(
          `unsupported input item type '${type}' (supported: 'message', 'function_call', 'function_call_output', 'reasoning')`,
          `input[${i}].type`,
        );
    }
  });
  return { system, messages };
}

function image(p: ResponsesInputImage, param: string): ImagePart {
  if (p.file_id != null) throw invalid("'file_id' images are not supported: send 'image_url' (a URL or a data: URL)", `${param}.file_id`);
  if (p.image_url == null) throw invalid("an 'input_image' part needs 'image_url'", `${param}.image_url`);
  return { type: 'image', source: imageSourceFromUrl(p.image_url), ...(p.detail != null ? { detail: p.detail } : {}) };
}

function systemText(content: string | ResponsesContentPart[], i: number): TextPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  return content.map((p, j): TextPart => {
    if (p.type === 'input_text' || p.type === 'output_text') return { type: 'text', text: p.text };
    throw invalid(`'${p.type}' parts are not allowed in system/developer messages`, `input[${i}].content[${j}].type`);
  });
}

function userContent(content: string | ResponsesContentPart[], i: number): UserContentPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.map((p, j): UserContentPart => {
    if (p.type === 'input_image') return image(p, `input[${i}].content[${j}]`);
    if (p.type === 'refusal') throw invalid("'refusal' parts are only allowed in assistant messages", `input[${i}].content[${j}].type`);
    return { type: 'text', text: p.text };
  });
}

function assistantContent(content: string | ResponsesContentPart[], i: number): AssistantContentPart[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }];
  const out: AssistantContentPart[] = [];
  content.forEach((p, j) => {
    if (p.type === 'input_image') throw invalid("'input_image' parts are not allowed in assistant messages", `input[${i}].content[${j}].type`);
    const text = p.type === 'refusal' ? p.refusal : p.text;
    if (text !== '') out.push({ type: 'text', text });
  });
  return out;
}
