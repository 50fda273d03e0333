/** What classification looks at, and what it decides (ROUTECODEX.md §5 "Classification"). */
import type { RouteName } from '../../config/schema.js';

/** What the last tool call did: wrote files, read them, searched, or something else. */
export type ToolCategory = 'write' | 'read' | 'search' | 'other';

export interface LastToolCall {
  name: string;
  category: ToolCategory;
}

export interface RoutingFeatures {
  /** An image in the last user message (its text or its tool results); older images do not count. */
  imagesInLatestUserTurn: boolean;
  estimatedTokens: number;
  /** A web-search tool is declared. */
  webSearchTool: boolean;
  /** Reasoning requested with a token budget, or with effort high/xhigh. */
  thinkingRequested: boolean;
  /** The last tool call of the last assistant message. */
  lastToolCall: LastToolCall | undefined;
  toolsPresent: boolean;
  toolCount: number;
  requestedModel: string;
  /** Text of the last user message, tool results excluded. */
  latestUserText: string;
}

export interface Classification {
  /** The route the request goes to: `matched`, or the next matching configured rule, or `default`. */
  route: string;
  /** The first rule that matched (the request's nature), configured or not; `default` when none did. */
  matched: RouteName;
  /** Human-readable explanation, e.g. `vision (not configured) → tools: 3 tools declared`. */
  reason: string;
  features: RoutingFeatures;
}
