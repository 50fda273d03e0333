/** The OpenAI-compatible chat surface mimikit uses for every model call (manager and workers). */
import type { TokenUsage } from '../model/usage.js';

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text as the model wrote it. */
  arguments: string;
}

export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string | null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> }
  | { role: 'tool'; tool_call_id: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  tools?: ToolSpec[];
  reasoningEffort?: string;
  maxTokens?: number;
  /** RouteCodex session id (sent as `x-session-id`): keeps a conversation on one upstream. */
  sessionId: string;
  signal?: AbortSignal;
  /** Streamed visible text, as it arrives. */
  onTextDelta?: (delta: string) => void;
}

export interface ChatResult {
  text: string;
  reasoning: string;
  toolCalls: ToolCall[];
  usage?: TokenUsage;
  finishReason: string;
  elapsedMs: number;
  /** The upstream that served it (RouteCodex's `x-routecodex-provider-key`), when known. */
  servedBy?: string;
}

export type LlmErrorKind = 'context_length' | 'rate_limit' | 'auth' | 'bad_request' | 'unavailable' | 'server' | 'network' | 'timeout' | 'aborted' | 'stream_broken';

export class LlmError extends Error {
  constructor(
    readonly kind: LlmErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'LlmError';
  }

  /** Worth retrying later with the same request. */
  get transient(): boolean {
    return this.kind === 'rate_limit' || this.kind === 'unavailable' || this.kind === 'server' || this.kind === 'network' || this.kind === 'timeout' || this.kind === 'stream_broken';
  }
}

export interface ChatModel {
  chat(request: ChatRequest): Promise<ChatResult>;
}
