/**
 * The bounded store behind Responses `previous_response_id`: each response the gateway returned, with
 * the whole conversation up to and including it, so a continuation can be served by ANY upstream (the
 * conversation is replayed as full input) and by the same Responses upstream (its own state, passthrough).
 * Bounded by entry count, total bytes and age; least recently used entries go first.
 */
import type { CanonicalMessage } from '../canonical/index.js';
import type { Clock } from '../../shared/clock.js';

export interface StoredResponse {
  id: string;
  messages: CanonicalMessage[];
  /** The runtime that produced it, and whether that upstream holds the conversation itself (passthrough). */
  runtimeKey?: string;
  upstreamHoldsState: boolean;
  sessionKey?: string;
  createdAt: number;
}

export interface ResponsesStoreLimits {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
}

interface Entry {
  value: StoredResponse;
  bytes: number;
}

export class ResponsesConversationStore {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(
    private readonly limits: ResponsesStoreLimits,
    private readonly clock: Clock,
  ) {}

  get(id: string): StoredResponse | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.value.createdAt + this.limits.ttlMs <= this.clock.now()) {
      this.remove(id);
      return undefined;
    }
    // Refresh recency.
    this.entries.delete(id);
    this.entries.set(id, entry);
    return entry.value;
  }

  put(value: StoredResponse): void {
    this.remove(value.id);
    const bytes = JSON.stringify(value.messages).length * 2;
    if (bytes > this.limits.maxBytes) return; // one conversation larger than the whole budget is not kept
    this.entries.set(value.id, { value, bytes });
    this.bytes += bytes;
    for (const [id] of this.entries) {
      if (this.entries.size <= this.limits.maxEntries && this.bytes <= this.limits.maxBytes) break;
      this.remove(id);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    this.bytes -= entry.bytes;
  }
}
