/**
 * Routing instructions of a whole request: the instructions come from the latest user message only,
 * but valid tags are removed from every user message's text, because clients resend the history with
 * the tags they typed earlier and the upstream must never see them. Text parts left empty are dropped.
 */
import type { CanonicalMessage, CanonicalRequest, UserContentPart } from '../../canonical/index.js';
import { parseInstructions } from './parse.js';
import type { InstructionCatalog, RoutingInstruction } from './types.js';

export interface RequestInstructions {
  request: CanonicalRequest;
  instructions: RoutingInstruction[];
}

function cleanMessage(message: CanonicalMessage, catalog: InstructionCatalog, collect: RoutingInstruction[] | undefined): CanonicalMessage {
  if (message.role !== 'user') return message;
  let changed = false;
  const content: UserContentPart[] = [];
  for (const part of message.content) {
    if (part.type !== 'text' || !part.text.includes('<**')) {
      content.push(part);
      continue;
    }
    const parsed = parseInstructions(part.text, catalog);
    if (parsed.instructions.length === 0) {
      content.push(part);
      continue;
    }
    changed = true;
    collect?.push(...parsed.instructions);
    if (parsed.cleanedText !== '') content.push({ ...part, text: parsed.cleanedText });
  }
  return changed ? { role: 'user', content } : message;
}

export function extractRequestInstructions(request: CanonicalRequest, catalog: InstructionCatalog): RequestInstructions {
  let latestUser = -1;
  request.messages.forEach((m, i) => {
    if (m.role === 'user') latestUser = i;
  });
  const instructions: RoutingInstruction[] = [];
  const messages = request.messages.map((m, i) => cleanMessage(m, catalog, i === latestUser ? instructions : undefined));
  const changed = messages.some((m, i) => m !== request.messages[i]);
  return { request: changed ? { ...request, messages } : request, instructions };
}
