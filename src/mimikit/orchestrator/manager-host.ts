/** The runtime as the manager sees it (`ManagerHost`): state, events, and the effects of a committed batch. */
import type { ManagerFailure, ManagerHost } from '../manager/index.js';
import type { HistoryMessage } from '../model/index.js';
import type { EventBus } from './events.js';
import { managerFailureMessage } from './notices.js';
import type { RuntimeState } from './state.js';
import type { TaskLifecycle } from './task-lifecycle.js';
import type { ExitReason } from './views.js';

export interface ManagerHostDeps {
  state: RuntimeState;
  events: EventBus;
  onMessages: (messages: readonly HistoryMessage[]) => void;
  publishTask: (id: string) => void;
  publishStatus: () => void;
  /** A batch was committed; `idleOnly` batches are not activity (one idle wake per idle window). */
  activity: (idleOnly: boolean) => void;
  lifecycle: TaskLifecycle;
  reschedule: () => void;
  requestExit: (reason: ExitReason) => void;
  now: () => number;
}

export type RuntimeManagerHost = ManagerHost & {
  /** One user-visible message per failure streak. */
  reportFailure(failure: ManagerFailure, append: (message: HistoryMessage) => Promise<void>): Promise<void>;
};

export function createManagerHost(deps: ManagerHostDeps): RuntimeManagerHost {
  const { state, events } = deps;
  return {
    state: state.snapshot,
    consumed: state.consumed,
    saveSnapshot: () => state.save(),
    onMessages: deps.onMessages,
    onCommitted(info) {
      state.markAnswered([...info.inputIds, ...info.resultIds]);
      for (const id of info.changedTaskIds) deps.publishTask(id);
      deps.publishStatus();
      deps.activity(info.wake.every((w) => w === 'idle'));
    },
    setManagerRunning(running) {
      state.managerRunning = running;
      deps.publishStatus();
      if (!running) deps.activity(true);
    },
    stream(event) {
      if (event.kind === 'delta') events.publish({ kind: 'stream', id: event.id, delta: event.delta });
      else events.publish({ kind: 'stream_end', id: event.id, reason: event.reason, ...(event.messageId ? { messageId: event.messageId } : {}) });
    },
    runEffect(effect) {
      switch (effect.kind) {
        case 'start_task':
          deps.lifecycle.enqueue(effect.taskId);
          break;
        case 'cancel_task':
          deps.lifecycle.cancel(effect.taskId, effect.info);
          break;
        case 'schedule_changed':
          deps.reschedule();
          break;
        case 'restart':
          deps.requestExit('restart');
          break;
        case 'compress':
          break; // the manager loop runs it
      }
    },
    async reportFailure(failure, append) {
      if (!failure.firstOfStreak) return;
      await append(managerFailureMessage(failure, deps.now()));
    },
  };
}
