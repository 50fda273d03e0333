/** A JSON Schema object, kept as data. */
export type JsonSchema = Record<string, unknown>;

export interface FunctionTool {
  type: 'function';
  name: string;
  description?: string;
  parameters: JsonSchema;
  strict?: boolean;
}

/**
 * A tool executed by the provider itself (web search, code interpreter…). It only makes sense for the
 * protocol that declared it; other protocols' encoders drop it. `kind` is the declared tool type.
 */
export interface BuiltinTool {
  type: 'builtin';
  kind: string;
  name?: string;
  /** The declaration exactly as the client sent it. */
  raw: Record<string, unknown>;
}

export type ToolDefinition = FunctionTool | BuiltinTool;

export type ToolChoice =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'required' }
  | { type: 'tool'; name: string };

/** True when a declared tool is a web search (builtin or a function named like one). */
export function isWebSearchTool(tool: ToolDefinition): boolean {
  if (tool.type === 'builtin') return /web_?search/i.test(tool.kind) || /web_?search/i.test(tool.name ?? '');
  return /^web_?search$/i.test(tool.name);
}
