import type { AssistantContentPart } from './content.js';
import type { Usage } from './usage.js';

/** Why generation stopped, in one vocabulary for every protocol. */
export type StopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'tool_use'
  | 'stop_sequence'
  | 'content_filter'
  | 'refusal';

export interface CanonicalResponse {
  id: string;
  model: string;
  content: AssistantContentPart[];
  stopReason: StopReason;
  /** The stop sequence that matched, when the protocol reports it. */
  stopSequence?: string;
  usage: Usage;
}
