/** Turns state changes into events: committed messages the user may see, accepted inputs, task views, status. */
import type { HistoryMessage, InputMessage } from '../model/index.js';
import type { EventBus } from './events.js';
import type { ReadModel } from './read-model.js';
import { toChatMessage } from './views.js';

export class Publisher {
  private lastStatus = '';

  constructor(
    private readonly events: EventBus,
    private readonly read: ReadModel,
  ) {}

  messages(messages: readonly HistoryMessage[]): void {
    for (const m of messages) {
      if (m.role === 'system' && m.visibility !== 'user' && m.visibility !== 'all') continue;
      if (m.role === 'agent' && m.text.trim() === '') continue; // a commit record without text
      this.events.publish({ kind: 'message', message: toChatMessage(m) });
    }
  }

  input(input: InputMessage): void {
    if (input.role === 'system' && input.visibility === 'agent') return;
    const message = toChatMessage({
      id: input.id, role: input.role, text: input.text, createdAt: input.createdAt,
      ...(input.quote ? { quote: input.quote } : {}), ...(input.role === 'system' ? { visibility: input.visibility ?? 'all' } : {}),
    });
    this.events.publish({ kind: 'input', message: { ...message, pending: true } });
  }

  task(id: string): void {
    const view = this.read.view(id);
    if (view) this.events.publish({ kind: 'task', task: view });
    this.status();
  }

  /** Publishes the status when it changed since the last one published. */
  status(): void {
    const status = this.read.status();
    const key = JSON.stringify(status);
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.events.publish({ kind: 'status', status });
  }
}
