/**
 * Builds the runtime's parts around one state: read model and event publisher, task lifecycle, manager
 * loop (with its host), cron and idle loops — and wires their signals to each other.
 */
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { MimikitConfig } from '../config/index.js';
import type { ChatModel } from '../llm/types.js';
import { ManagerLoop } from '../manager/index.js';
import type { HistoryMessage, InputMessage } from '../model/index.js';
import type { EventBus } from './events.js';
import { createManagerHost } from './manager-host.js';
import { Publisher } from './publisher.js';
import { ReadModel } from './read-model.js';
import { createScheduling, type Scheduling } from './scheduling.js';
import type { RuntimeState } from './state.js';
import type { RuntimeStores } from './stores.js';
import { TaskLifecycle } from './task-lifecycle.js';
import type { ExitReason } from './views.js';

export interface WiringDeps {
  runtimeId: string;
  stores: RuntimeStores;
  state: RuntimeState;
  events: EventBus;
  config: MimikitConfig;
  model: ChatModel;
  clock: Clock;
  logger: Logger;
  promptsDir: string;
  managerRetry?: { baseMs?: number; maxMs?: number } | undefined;
  /** The runtime's own writes. */
  appendInput: (input: InputMessage) => Promise<'appended' | 'known' | 'stopped'>;
  appendNotice: (message: HistoryMessage) => Promise<void>;
  requestExit: (reason: ExitReason) => void;
}

export interface RuntimeParts {
  read: ReadModel;
  publish: Publisher;
  lifecycle: TaskLifecycle;
  manager: ManagerLoop;
  scheduling: Scheduling;
}

export function wireRuntime(deps: WiringDeps): RuntimeParts {
  const { state, stores, config, clock, logger, events } = deps;
  const read = new ReadModel({ state, history: stores.history, archives: stores.archives, progress: stores.progress, runtimeId: deps.runtimeId, startedAt: new Date(clock.now()).toISOString(), maxWorkers: config.worker.maxConcurrent, now: () => clock.now() });
  const publish = new Publisher(events, read);
  // The loops reference each other; each is created before any signal can flow.
  let manager: ManagerLoop | undefined;
  let scheduling: Scheduling | undefined;
  const lifecycle = new TaskLifecycle({
    ...stores, state, config, model: deps.model, clock, logger, promptsDir: deps.promptsDir,
    onChanged: (task) => {
      publish.task(task.id);
      scheduling?.idle.noteActivity();
    },
    onResult: () => manager?.wake('task_result'),
  });
  const host = createManagerHost({
    state,
    events,
    onMessages: (messages) => publish.messages(messages),
    publishTask: (id) => publish.task(id),
    publishStatus: () => publish.status(),
    activity: (idleOnly) => (idleOnly ? scheduling?.idle.poke() : scheduling?.idle.noteActivity()),
    lifecycle,
    reschedule: () => void scheduling?.cron.reschedule(),
    requestExit: deps.requestExit,
    now: () => clock.now(),
  });
  const env = { ...stores, model: deps.model, config, clock, logger, promptsDir: deps.promptsDir };
  const loop = new ManagerLoop({ env, host, ...(deps.managerRetry ? { retry: deps.managerRetry } : {}), onFailure: (f) => host.reportFailure(f, deps.appendNotice) });
  manager = loop;
  const sched = createScheduling({
    state, config, clock, logger,
    appendSystemInput: deps.appendInput,
    appendNotice: deps.appendNotice,
    onJobChanged: (id) => publish.task(id),
    isBusy: () => state.managerRunning || loop.active || state.pendingInputs.length > 0 || state.snapshot.tasks.some((t) => t.status === 'pending' || t.status === 'running'),
  });
  scheduling = sched;
  return { read, publish, lifecycle, manager: loop, scheduling: sched };
}
