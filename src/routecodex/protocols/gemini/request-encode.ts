/**
 * Canonical request → Gemini `generateContent` / `streamGenerateContent?alt=sse` request.
 * Dropped (no Gemini equivalent): parallelToolCalls, user, streamUsage (usage always comes), the
 * `strict` flag of tools, builtin tools other than Google Search, unsigned or foreign reasoning.
 */
import type { BuiltinTool, CanonicalRequest, FunctionTool, ToolChoice } from '../../canonical/index.js';
import { effortToBudget } from '../common.js';
import type { UpstreamHttpRequest } from '../types.js';
import { encodeContents } from './contents-encode.js';
import { toGeminiSchema } from './gemini-schema.js';

/** `/models/<model>:generateContent` or `/models/<model>:streamGenerateContent?alt=sse` (a `models/` prefix is tolerated). */
export function geminiRequestPath(model: string, stream: boolean): string {
  const name = encodeURIComponent(model.replace(/^models\//, ''));
  return stream ? `/models/${name}:streamGenerateContent?alt=sse` : `/models/${name}:generateContent`;
}

function isGoogleSearch(tool: BuiltinTool): boolean {
  return /google_?search/i.test(tool.kind) || /google_?search/i.test(tool.name ?? '');
}

function functionDeclaration(tool: FunctionTool): Record<string, unknown> {
  const decl: Record<string, unknown> = { name: tool.name };
  if (tool.description !== undefined) decl.description = tool.description;
  const parameters = toGeminiSchema(tool.parameters);
  // Gemini rejects an OBJECT schema with empty properties: a function without parameters omits them.
  if (parameters.properties !== undefined || (parameters.type !== undefined && parameters.type !== 'object')) decl.parameters = parameters;
  return decl;
}

function toolConfig(choice: ToolChoice): Record<string, unknown> {
  switch (choice.type) {
    case 'auto':
      return { functionCallingConfig: { mode: 'AUTO' } };
    case 'none':
      return { functionCallingConfig: { mode: 'NONE' } };
    case 'required':
      return { functionCallingConfig: { mode: 'ANY' } };
    case 'tool':
      return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [choice.name] } };
  }
}

function generationConfig(req: CanonicalRequest): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  if (req.maxOutputTokens !== undefined) config.maxOutputTokens = req.maxOutputTokens;
  if (req.temperature !== undefined) config.temperature = req.temperature;
  if (req.topP !== undefined) config.topP = req.topP;
  if (req.stopSequences !== undefined && req.stopSequences.length > 0) config.stopSequences = req.stopSequences;
  const format = req.responseFormat;
  if (format?.type === 'json_object' || format?.type === 'json_schema') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') config.responseSchema = toGeminiSchema(format.schema);
  const reasoning = req.reasoning;
  if (reasoning !== undefined) {
    const thinking: Record<string, unknown> = {};
    const budget = reasoning.budgetTokens ?? (reasoning.effort !== undefined ? effortToBudget(reasoning.effort) : undefined);
    if (budget !== undefined) thinking.thinkingBudget = budget;
    // Thought summaries are asked for unless the client declined them or turned thinking off.
    if (reasoning.includeThoughts !== false && budget !== 0) thinking.includeThoughts = true;
    if (Object.keys(thinking).length > 0) config.thinkingConfig = thinking;
  }
  return config;
}

export function encodeGeminiRequest(req: CanonicalRequest, model: string): UpstreamHttpRequest {
  const body: Record<string, unknown> = {};
  const system = req.system.filter((p) => p.text !== '').map((p) => ({ text: p.text }));
  if (system.length > 0) body.systemInstruction = { parts: system };
  body.contents = encodeContents(req.messages);

  const functions = req.tools.filter((t): t is FunctionTool => t.type === 'function');
  const tools: Array<Record<string, unknown>> = [];
  if (functions.length > 0) tools.push({ functionDeclarations: functions.map(functionDeclaration) });
  if (req.tools.some((t) => t.type === 'builtin' && isGoogleSearch(t))) tools.push({ googleSearch: {} });
  if (tools.length > 0) body.tools = tools;
  if (functions.length > 0 && req.toolChoice !== undefined) body.toolConfig = toolConfig(req.toolChoice);

  const config = generationConfig(req);
  if (Object.keys(config).length > 0) body.generationConfig = config;
  return { path: geminiRequestPath(model, req.stream), body };
}
