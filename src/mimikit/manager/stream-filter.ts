/**
 * Streams only the visible part of a reply while it is written. The text so far is parsed as if it were
 * the whole reply: a trailing action zone or an unfinished `<M:` tag is held back. Deltas are append-
 * only; if the visible text stops being an extension of what was sent (a tag turned out to be mid-text),
 * streaming stops and the committed message carries the final text.
 */
import { parseReply } from '../actions/index.js';

export class VisibleTextStream {
  private raw = '';
  private sent = '';
  private diverged = false;

  constructor(private readonly emit: (delta: string) => void) {}

  push(delta: string): void {
    this.raw += delta;
    if (this.diverged) return;
    const visible = this.raw.includes('<') ? parseReply(this.raw).text : this.raw.trimEnd();
    if (!visible.startsWith(this.sent)) {
      this.diverged = true;
      return;
    }
    const next = visible.slice(this.sent.length);
    if (next === '') return;
    this.sent = visible;
    this.emit(next);
  }

  /** What was sent so far. */
  get text(): string {
    return this.sent;
  }
}
