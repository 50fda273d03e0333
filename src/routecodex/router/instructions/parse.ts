/**
 * `parseInstructions`: finds the routing-instruction tags in a text, parses the valid ones in order,
 * and removes them. Malformed or unknown tags are left untouched and yield nothing.
 */
import { parseTagBody } from './grammar.js';
import { findTags, removeSpans, type TagSpan } from './scan.js';
import type { InstructionCatalog, ParsedInstructions, RoutingInstruction } from './types.js';

export function parseInstructions(text: string, catalog: InstructionCatalog): ParsedInstructions {
  const instructions: RoutingInstruction[] = [];
  const valid: TagSpan[] = [];
  for (const span of findTags(text)) {
    const instruction = parseTagBody(span.body, text.slice(span.start, span.end), catalog);
    if (!instruction) continue;
    instructions.push(instruction);
    valid.push(span);
  }
  return { instructions, cleanedText: removeSpans(text, valid) };
}
