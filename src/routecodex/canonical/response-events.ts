/** The stream events that describe a whole response (to send a buffered response to a streaming client). */
import type { CanonicalResponse } from './response.js';
import type { StreamEvent } from './stream.js';

export function responseToEvents(response: CanonicalResponse): StreamEvent[] {
  const events: StreamEvent[] = [{ type: 'message_start', id: response.id, model: response.model }];
  response.content.forEach((part, index) => {
    switch (part.type) {
      case 'text':
        events.push({ type: 'part_start', index, part: { type: 'text' } });
        if (part.text) events.push({ type: 'text_delta', index, text: part.text });
        break;
      case 'reasoning':
        events.push({ type: 'part_start', index, part: { type: 'reasoning', ...(part.redacted ? { redacted: true } : {}) } });
        if (part.text) events.push({ type: 'reasoning_delta', index, text: part.text });
        if (part.signature) events.push({ type: 'reasoning_signature', index, signature: part.signature });
        break;
      case 'tool_call':
        events.push({ type: 'part_start', index, part: { type: 'tool_call', id: part.id, name: part.name } });
        if (part.arguments) events.push({ type: 'tool_arguments_delta', index, json: part.arguments });
        break;
    }
    events.push({ type: 'part_end', index });
  });
  events.push({ type: 'message_end', stopReason: response.stopReason, usage: response.usage, ...(response.stopSequence !== undefined ? { stopSequence: response.stopSequence } : {}) });
  return events;
}
