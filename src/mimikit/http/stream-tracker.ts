/**
 * The text of the manager replies streaming right now. `stream` deltas are live-only on the bus, so a tab
 * that connects (or reconnects) mid-reply gets the text so far as one `stream_snapshot` event.
 */
import type { EventBus } from '../orchestrator/index.js';
import { stripHiddenTags } from '../actions/index.js';

export class StreamTracker {
  private readonly texts = new Map<string, string>();
  private readonly unsubscribe: () => void;

  /** Subscribe it before any SSE connection, so it has seen every delta a connection is about to get. */
  constructor(events: EventBus) {
    this.unsubscribe = events.subscribe(undefined, (event) => {
      if (event.kind === 'stream') this.texts.set(event.id, (this.texts.get(event.id) ?? '') + event.delta);
      else if (event.kind === 'stream_end') this.texts.delete(event.id);
    });
  }

  /** `{id, text}` of every stream in progress (hidden tags removed). */
  active(): Array<{ id: string; text: string }> {
    return [...this.texts].map(([id, text]) => ({ id, text: stripHiddenTags(text) }));
  }

  close(): void {
    this.unsubscribe();
    this.texts.clear();
  }
}
