/** The chat as a markdown document: one section per message, with its role and time. */
import type { ChatMessageView } from '../orchestrator/index.js';

const ROLE_TITLES: Record<ChatMessageView['role'], string> = { user: 'You', agent: 'Agent', system: 'System' };

/** `mimikit-chat-20260221-153000.md` (UTC). */
export function exportFileName(now: Date): string {
  const stamp = now.toISOString().replace(/\.\d{3}Z$/, '').replace(/[-:]/g, '').replace('T', '-');
  return `mimikit-chat-${stamp}.md`;
}

export function exportMarkdown(messages: readonly ChatMessageView[], now: Date): string {
  const lines = [`# mimikit chat`, '', `Exported ${now.toISOString()} · ${messages.length} message${messages.length === 1 ? '' : 's'}`, ''];
  for (const m of messages) {
    const flags = [m.pending ? 'not answered yet' : '', m.quote ? `quoting ${m.quote}` : ''].filter((f) => f !== '');
    lines.push(`## ${ROLE_TITLES[m.role]} · ${m.createdAt}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}`, '', m.text.trimEnd(), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
