/** Extracts the routing features of a canonical request (pure; the token estimate is passed in). */
import type { CanonicalMessage, CanonicalRequest, UserMessage } from '../../canonical/index.js';
import { isWebSearchTool } from '../../canonical/index.js';
import { categorizeToolCall } from './tool-signals.js';
import type { LastToolCall, RoutingFeatures } from './types.js';

function lastOfRole<R extends CanonicalMessage['role']>(messages: readonly CanonicalMessage[], role: R): Extract<CanonicalMessage, { role: R }> | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m?.role === role) return m as Extract<CanonicalMessage, { role: R }>;
  }
  return undefined;
}

function hasImage(message: UserMessage | undefined): boolean {
  if (!message) return false;
  return message.content.some((p) => p.type === 'image' || (p.type === 'tool_result' && p.content.some((c) => c.type === 'image')));
}

function textOf(message: UserMessage | undefined): string {
  if (!message) return '';
  return message.content
    .flatMap((p) => (p.type === 'text' ? [p.text] : []))
    .join('\n');
}

function lastToolCallOf(messages: readonly CanonicalMessage[]): LastToolCall | undefined {
  const assistant = lastOfRole(messages, 'assistant');
  if (!assistant) return undefined;
  for (let i = assistant.content.length - 1; i >= 0; i--) {
    const part = assistant.content[i];
    if (part?.type === 'tool_call') return { name: part.name, category: categorizeToolCall(part.name, part.arguments) };
  }
  return undefined;
}

function thinkingRequested(request: CanonicalRequest): boolean {
  const r = request.reasoning;
  if (!r) return false;
  return (r.budgetTokens ?? 0) > 0 || r.effort === 'high' || r.effort === 'xhigh';
}

export function extractFeatures(request: CanonicalRequest, estimatedTokens: number): RoutingFeatures {
  const latestUser = lastOfRole(request.messages, 'user');
  return {
    imagesInLatestUserTurn: hasImage(latestUser),
    estimatedTokens,
    webSearchTool: request.tools.some(isWebSearchTool),
    thinkingRequested: thinkingRequested(request),
    lastToolCall: lastToolCallOf(request.messages),
    toolsPresent: request.tools.length > 0,
    toolCount: request.tools.length,
    requestedModel: request.model,
    latestUserText: textOf(latestUser),
  };
}
