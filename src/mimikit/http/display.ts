/**
 * Messages as the WebUI shows them: every non-system message plus system messages for the user, with the
 * hidden `<M:…>` tags of agent and system text removed (user text is shown exactly as typed). A system
 * message left empty by the stripping is not shown.
 */
import { stripHiddenTags } from '../actions/index.js';
import { visibleToUser } from '../model/index.js';
import type { ChatMessageView, Runtime, RuntimeEvent } from '../orchestrator/index.js';

export function displayMessage(m: ChatMessageView): ChatMessageView | undefined {
  if (!visibleToUser(m)) return undefined;
  if (m.role === 'user') return m;
  const text = stripHiddenTags(m.text);
  if (m.role === 'system' && text === '') return undefined;
  return text === m.text ? m : { ...m, text };
}

export function displayMessages(messages: readonly ChatMessageView[]): ChatMessageView[] {
  return messages.flatMap((m) => displayMessage(m) ?? []);
}

/** The event as sent to a browser (message text cleaned); `undefined` when it has nothing to show. */
export function displayEvent(event: RuntimeEvent): RuntimeEvent | undefined {
  if (event.kind !== 'message' && event.kind !== 'input') return event;
  const message = displayMessage(event.message);
  if (!message) return undefined;
  return message === event.message ? event : { ...event, message };
}

/** Room for messages the display drops (system messages with nothing but a hidden tag), so `limit` shown ones come back. */
const DROPPED_SLACK = 20;

/** The last `limit` messages as shown. */
export async function shownMessages(runtime: Runtime, limit: number): Promise<ChatMessageView[]> {
  return displayMessages(await runtime.messages({ limit: limit + DROPPED_SLACK })).slice(-limit);
}
