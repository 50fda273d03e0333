// The live connection: one EventSource on /api/events. The browser reconnects by itself with the
// Last-Event-ID header; if the EventSource gives up (an HTTP error), a new one is opened after a pause
// with `?lastEventId=`, so no event is missed either way.

import { eventsUrl } from './api.js';

const KINDS = ['ready', 'reset', 'message', 'input', 'task', 'status', 'stream', 'stream_end', 'stream_snapshot'];

export class EventStream {
  /** `onEvent(kind, data)`; `onConnection(state)` with 'open' | 'reconnecting'. */
  constructor({ onEvent, onConnection }) {
    this.onEvent = onEvent;
    this.onConnection = onConnection;
    this.lastId = undefined;
    this.retryMs = 1000;
  }

  connect() {
    this.source?.close();
    const source = new EventSource(eventsUrl(this.lastId));
    this.source = source;
    source.onopen = () => {
      this.retryMs = 1000;
      this.onConnection('open');
    };
    source.onerror = () => {
      this.onConnection('reconnecting');
      if (source.readyState === EventSource.CLOSED && this.source === source) {
        clearTimeout(this.timer);
        this.timer = setTimeout(() => this.connect(), this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, 15_000);
      }
    };
    for (const kind of KINDS) {
      source.addEventListener(kind, (event) => {
        if (event.lastEventId) this.lastId = event.lastEventId;
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        this.onEvent(kind, data);
      });
    }
  }

  close() {
    clearTimeout(this.timer);
    this.source?.close();
  }
}
