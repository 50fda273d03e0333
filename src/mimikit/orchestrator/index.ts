/** The Runtime (write side, lifecycle, event bus, read models): the surface the HTTP API and the CLI use. */
export { Runtime, InputRejectedError, type RuntimeOptions } from './runtime.js';
export { EventBus, type EventListener } from './events.js';
export type { AddInputRequest, CancelResult, ChatMessageView, ExitReason, RuntimeEvent, RuntimeEventBody, RuntimeStatus, TaskCounts, TaskView } from './views.js';
