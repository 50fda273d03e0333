import type { TextPart } from './content.js';
import type { CanonicalMessage } from './message.js';
import type { ToolChoice, ToolDefinition, JsonSchema } from './tool.js';

export type ReasoningEffort = 'minimal' | 'low' | 'medium' | 'high' | 'xhigh';

/** Reasoning requested by the client: an effort level, a token budget, or both. */
export interface ReasoningRequest {
  effort?: ReasoningEffort;
  budgetTokens?: number;
  /** Ask the provider to return reasoning text/summaries where it can. */
  includeThoughts?: boolean;
}

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; name: string; schema: JsonSchema; strict?: boolean };

/** The protocol-neutral request every inbound codec produces and every upstream codec consumes. */
export interface CanonicalRequest {
  /** The model as the client asked for it; the router replaces it with the target's model. */
  model: string;
  system: TextPart[];
  messages: CanonicalMessage[];
  tools: ToolDefinition[];
  toolChoice?: ToolChoice;
  parallelToolCalls?: boolean;
  maxOutputTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  reasoning?: ReasoningRequest;
  responseFormat?: ResponseFormat;
  stream: boolean;
  /** The client asked for usage at the end of a stream (OpenAI chat `stream_options.include_usage`). */
  streamUsage?: boolean;
  /** End-user id the client declared (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
}
