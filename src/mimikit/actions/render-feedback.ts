/**
 * Feedback items as the content of the next round's `M:action_feedback` block (YAML, strings double-
 * quoted like every prompt data block), and as a one-line-per-item summary for the history message.
 */
import YAML from 'yaml';
import type { FeedbackItem } from './validate.js';

export function renderActionFeedback(items: readonly FeedbackItem[]): string {
  if (items.length === 0) return '';
  const data = { items: items.map((i) => ({ action: i.action, error: i.error, hint: i.hint, attempted: i.attempted })) };
  return YAML.stringify(data, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 }).trimEnd();
}

/** `Action feedback · 2 items` + a numbered list, for the `action_feedback` system message. */
export function summarizeActionFeedback(items: readonly FeedbackItem[]): string {
  const lines = items.map((i, n) => `${n + 1}. ${i.action} — ${i.error}: ${i.hint}`);
  return [`Action feedback · ${items.length} item${items.length === 1 ? '' : 's'}`, ...lines].join('\n');
}
