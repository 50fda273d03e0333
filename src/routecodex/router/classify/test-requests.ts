/** Canonical request builders for the classification tests. */
import type { AssistantContentPart, CanonicalMessage, CanonicalRequest, ImagePart, TextPart, ToolDefinition, UserContentPart } from '../../canonical/index.js';
import type { ClassifierConfig } from '../../config/schema.js';

export const IMAGE: ImagePart = { type: 'image', source: { kind: 'url', url: 'https://example.com/a.png' } };

export const user = (...content: Array<UserContentPart | string>): CanonicalMessage => ({
  role: 'user',
  content: content.map((c) => (typeof c === 'string' ? { type: 'text', text: c } : c)),
});

export const assistant = (...content: Array<AssistantContentPart | string>): CanonicalMessage => ({
  role: 'assistant',
  content: content.map((c) => (typeof c === 'string' ? { type: 'text', text: c } : c)),
});

export const toolCall = (name: string, args: unknown, id = `call_${name}`): AssistantContentPart => ({
  type: 'tool_call',
  id,
  name,
  arguments: typeof args === 'string' ? args : JSON.stringify(args),
});

export const toolResult = (callId: string, ...content: Array<TextPart | ImagePart>): UserContentPart => ({
  type: 'tool_result',
  callId,
  content,
});

export const fn = (name: string): ToolDefinition => ({ type: 'function', name, parameters: { type: 'object' } });
export const webSearch: ToolDefinition = { type: 'builtin', kind: 'web_search_preview', raw: { type: 'web_search_preview' } };

export function request(partial: Partial<CanonicalRequest> = {}): CanonicalRequest {
  return { model: 'gpt-4.1', system: [], messages: [user('hello')], tools: [], stream: false, ...partial };
}

export const classifierConfig = (partial: Partial<ClassifierConfig> = {}): ClassifierConfig => ({
  longContextThresholdTokens: 180_000,
  keywords: {},
  backgroundModels: ['haiku', 'mini', 'flash-lite', 'nano'],
  ...partial,
});
