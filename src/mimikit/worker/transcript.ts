/** Chat messages and replies as readable text, for traces. */
import type { ChatMessage, ChatResult } from '../llm/types.js';

function renderCalls(calls: ReadonlyArray<{ id: string; name: string; arguments: string }>): string {
  return calls.map((c) => `[tool call ${c.name} id=${c.id}] ${c.arguments}`).join('\n');
}

export function renderMessages(messages: readonly ChatMessage[]): string {
  return messages
    .map((m) => {
      switch (m.role) {
        case 'system':
        case 'user':
          return `--- ${m.role} ---\n${m.content}`;
        case 'assistant': {
          const calls = renderCalls((m.tool_calls ?? []).map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })));
          return `--- assistant ---\n${[m.content ?? '', calls].filter((s) => s !== '').join('\n')}`;
        }
        case 'tool':
          return `--- tool result id=${m.tool_call_id} ---\n${m.content}`;
      }
    })
    .join('\n\n');
}

export function renderReply(reply: Pick<ChatResult, 'text' | 'toolCalls'>): string {
  return [reply.text, renderCalls(reply.toolCalls)].filter((s) => s !== '').join('\n');
}
