import type { AssistantContentPart, UserContentPart } from './content.js';

/**
 * A conversation turn. Tool results travel in user messages (as in Anthropic and Gemini); codecs for
 * protocols with a separate `tool` role split and merge them.
 */
export interface UserMessage {
  role: 'user';
  content: UserContentPart[];
}

export interface AssistantMessage {
  role: 'assistant';
  content: AssistantContentPart[];
}

export type CanonicalMessage = UserMessage | AssistantMessage;
