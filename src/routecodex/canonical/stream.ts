import type { ReasoningSignature } from './content.js';
import type { StopReason } from './response.js';
import type { Usage } from './usage.js';
import type { UpstreamFailure } from './failure.js';

/**
 * Canonical stream events. Invariants every decoder guarantees and every encoder may rely on:
 * - `message_start` comes first, `message_end` (or `error`) last, each exactly once;
 * - parts are numbered 0, 1, 2… in order and at most one part is open at a time:
 *   `part_start(i)`, its deltas, `part_end(i)`, then `part_start(i+1)`;
 * - one tool call is one part: its argument fragments arrive as `tool_arguments_delta` of that part.
 */
export type PartStart =
  | { type: 'text' }
  | { type: 'reasoning'; redacted?: boolean }
  | { type: 'tool_call'; id: string; name: string };

export type StreamEvent =
  | { type: 'message_start'; id: string; model: string }
  | { type: 'part_start'; index: number; part: PartStart }
  | { type: 'text_delta'; index: number; text: string }
  | { type: 'reasoning_delta'; index: number; text: string }
  | { type: 'reasoning_signature'; index: number; signature: ReasoningSignature }
  | { type: 'tool_arguments_delta'; index: number; json: string }
  | { type: 'part_end'; index: number }
  | { type: 'usage'; usage: Partial<Usage> }
  | { type: 'message_end'; stopReason: StopReason; stopSequence?: string; usage: Usage }
  | { type: 'error'; failure: UpstreamFailure };

/**
 * A content event is the commit point of a stream: before it, a failure is retried on another target
 * invisibly; after it, the client has seen output and a failure ends the stream with an error event.
 */
export function isContentEvent(e: StreamEvent): boolean {
  switch (e.type) {
    case 'text_delta':
    case 'reasoning_delta':
      return e.text.length > 0;
    case 'part_start':
      return e.part.type === 'tool_call' || e.part.type === 'reasoning' && e.part.redacted === true;
    case 'tool_arguments_delta':
      return true;
    default:
      return false;
  }
}
