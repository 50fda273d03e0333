/** Test helpers: feeding SSE bytes through the parser and decoder, and folding canonical events into a response. */
import { EMPTY_USAGE, type AssistantContentPart, type CanonicalResponse, type StreamEvent } from '../../canonical/index.js';
import { fixturesOf } from '../test-support.js';

export { decodeChunks } from '../test-support.js';

const fixtures = fixturesOf(import.meta.url);
export const readFixture = fixtures.text;
export const fixtureJson = fixtures.json;

/** Folds canonical stream events into the response they describe, checking the stream invariants on the way. */
export function assemble(events: StreamEvent[]): CanonicalResponse {
  const first = events[0];
  const last = events[events.length - 1];
  if (first?.type !== 'message_start') throw new Error('message_start must come first');
  if (last?.type !== 'message_end') throw new Error(`message_end must come last, got ${last?.type}`);
  const content: AssistantContentPart[] = [];
  let open: number | undefined;
  for (const e of events.slice(1, -1)) {
    if (e.type === 'message_start' || e.type === 'message_end' || e.type === 'error') throw new Error(`unexpected ${e.type}`);
    if (e.type === 'usage') continue;
    if (e.type === 'part_start') {
      if (open !== undefined || e.index !== content.length) throw new Error(`part_start ${e.index} out of order`);
      open = e.index;
      const p = e.part;
      content.push(
        p.type === 'tool_call'
          ? { type: 'tool_call', id: p.id, name: p.name, arguments: '' }
          : p.type === 'text'
            ? { type: 'text', text: '' }
            : { type: 'reasoning', text: '', ...(p.redacted ? { redacted: true } : {}) },
      );
      continue;
    }
    if (e.index !== open) throw new Error(`${e.type} for part ${e.index} while ${String(open)} is open`);
    const part = content[e.index]!;
    if (e.type === 'part_end') open = undefined;
    else if (e.type === 'text_delta' && part.type === 'text') part.text += e.text;
    else if (e.type === 'reasoning_delta' && part.type === 'reasoning') part.text += e.text;
    else if (e.type === 'reasoning_signature' && part.type === 'reasoning') part.signature = e.signature;
    else if (e.type === 'tool_arguments_delta' && part.type === 'tool_call') part.arguments += e.json;
    else throw new Error(`${e.type} does not fit a ${part.type} part`);
  }
  if (open !== undefined) throw new Error(`part ${open} never ended`);
  return { id: first.id, model: first.model, content, stopReason: last.stopReason, usage: last.usage ?? EMPTY_USAGE };
}
