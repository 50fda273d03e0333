/**
 * Keyword matching in the latest user text: built-in keywords per route plus the configured ones,
 * case-insensitive; an occurrence preceded by a negation ("don't", "不要" …) within 12 characters does
 * not count.
 */
import type { ClassifierConfig, RouteName } from '../../config/schema.js';

export const BUILTIN_KEYWORDS: Readonly<Record<RouteName, readonly string[]>> = {
  default: [],
  longcontext: [],
  thinking: ['think step by step', 'think hard', 'ultrathink', '深度思考', '仔细思考'],
  coding: [],
  tools: [],
  background: [],
  vision: [],
  web_search: ['search the web', 'look it up online', '联网搜索'],
};

export const NEGATIONS: readonly string[] = ["don't", 'don’t', 'do not', 'no need to', '不要', '无需', '不用'];
const NEGATION_WINDOW = 12;

export function keywordsFor(route: RouteName, config: ClassifierConfig): string[] {
  return [...BUILTIN_KEYWORDS[route], ...(config.keywords[route] ?? [])];
}

function isNegatedAt(lowerText: string, index: number): boolean {
  const window = lowerText.slice(Math.max(0, index - NEGATION_WINDOW), index);
  return NEGATIONS.some((n) => window.includes(n));
}

/** The first keyword with an occurrence that is not negated, or undefined. */
export function findKeyword(text: string, keywords: readonly string[]): string | undefined {
  const lowerText = text.toLowerCase();
  for (const keyword of keywords) {
    const needle = keyword.toLowerCase();
    if (needle === '') continue;
    for (let at = lowerText.indexOf(needle); at !== -1; at = lowerText.indexOf(needle, at + 1)) {
      if (!isNegatedAt(lowerText, at)) return keyword;
    }
  }
  return undefined;
}
