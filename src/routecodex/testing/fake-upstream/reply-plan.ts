/**
 * Turns a scripted reply (or none) into a protocol-neutral plan: the texts, tool calls with serialized
 * arguments, the stop reason, token usage and chunk sizes. The wire modules render a plan.
 */
import type { FakeProtocol, FakeReply } from './script.js';

export type StopReason = 'stop' | 'length' | 'tool_calls';

export interface PlannedToolCall {
  /** The scripted id; wire modules supply a protocol-shaped default when absent. */
  id: string | undefined;
  name: string;
  /** The arguments as sent on the wire (JSON text, or the scripted raw string). */
  args: string;
  /** The arguments as an object (Anthropic `input`, Gemini `args`); `{}` when the raw string is not an object. */
  argsObject: Record<string, unknown>;
}

export interface PlannedUsage {
  /** Prompt tokens, cached included. */
  input: number;
  /** Generated tokens, reasoning included. */
  output: number;
  cached: number;
  reasoning: number;
}

export interface ReplyPlan {
  protocol: FakeProtocol;
  model: string;
  /** Unique per reply, for ids. */
  seq: string;
  /** Unix seconds. */
  created: number;
  text: string;
  /** False when the reply has only reasoning and/or tool calls and no text. */
  includeText: boolean;
  reasoning: string | undefined;
  reasoningSignature: string | undefined;
  toolCalls: PlannedToolCall[];
  stopReason: StopReason;
  usage: PlannedUsage;
  chunkSize: number;
  argsChunkSize: number;
  /** Chat Completions: `stream_options.include_usage`. */
  includeUsage: boolean;
}

export interface PlanInput {
  protocol: FakeProtocol;
  model: string;
  bodyBytes: number;
  includeUsage: boolean;
  userText(): string;
}

const DEFAULT_CHUNK = 8;
const DEFAULT_ARGS_CHUNK = 6;
let counter = 0;

export function defaultText(protocol: FakeProtocol, model: string): string {
  return `Hello from the fake ${protocol} upstream (model ${model}).`;
}

function tokensFor(chars: number): number {
  return Math.ceil(chars / 4);
}

function parseArgsObject(args: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(args);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function buildPlan(reply: FakeReply | undefined, input: PlanInput): ReplyPlan {
  const toolCalls: PlannedToolCall[] = (reply?.toolCalls ?? []).map((c) => {
    const args = typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments);
    return {
      id: c.id,
      name: c.name,
      args,
      argsObject: typeof c.arguments === 'string' ? parseArgsObject(c.arguments) : c.arguments,
    };
  });
  const reasoning = reply?.reasoning;
  let text: string;
  if (reply?.echo) text = input.userText();
  else if (reply?.text !== undefined) text = reply.text;
  else text = toolCalls.length > 0 || reasoning !== undefined ? '' : defaultText(input.protocol, input.model);

  let argsChars = 0;
  for (const c of toolCalls) argsChars += c.args.length + c.name.length;
  const u = reply?.usage;
  const reasoningTokens = u?.reasoning ?? (reasoning ? tokensFor(reasoning.length) : 0);
  const usage: PlannedUsage = {
    input: u?.input ?? Math.max(1, tokensFor(input.bodyBytes)),
    output: u?.output ?? Math.max(1, tokensFor(text.length + argsChars) + reasoningTokens),
    cached: u?.cached ?? 0,
    reasoning: reasoningTokens,
  };
  counter = (counter + 1) % 0x7fffffff;
  return {
    protocol: input.protocol,
    model: input.model,
    seq: `fake${counter.toString(36)}`,
    created: Math.floor(Date.now() / 1000),
    text,
    includeText: text.length > 0 || (toolCalls.length === 0 && reasoning === undefined),
    reasoning,
    reasoningSignature: reply?.reasoningSignature,
    toolCalls,
    stopReason: reply?.stopReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    usage,
    chunkSize: reply?.chunkSize ?? DEFAULT_CHUNK,
    argsChunkSize: reply?.argsChunkSize ?? DEFAULT_ARGS_CHUNK,
    includeUsage: input.includeUsage,
  };
}

/** The tool call's id, or a default `<prefix><seq>_<index>`. */
export function toolCallId(plan: ReplyPlan, index: number, prefix: string): string {
  return plan.toolCalls[index]?.id ?? `${prefix}${plan.seq}_${index}`;
}

/** Splits text into pieces of `size` UTF-16 units without cutting a surrogate pair. */
export function chunkText(text: string, size: number): string[] {
  if (text.length <= size) return text.length > 0 ? [text] : [];
  const out: string[] = [];
  let i = 0;
  while (i < text.length) {
    let end = Math.min(i + size, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end += 1;
    out.push(text.slice(i, end));
    i = end;
  }
  return out;
}
