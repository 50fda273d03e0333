/** The manager: batches, prompt, model rounds, commit, actions. */
export { ManagerLoop, type ManagerFailure, type ManagerLoopOptions } from './manager-loop.js';
export { applyBatchRecord, actionTaskId, isValidTimeZone, type ApplyContext, type ApplyOutcome } from './apply-actions.js';
export { batchNumber, batchIdOf, type Batch, type ManagerEnv, type ManagerHost, type PostCommitEffect, type StreamEvent } from './types.js';
export { renderSystemEvent, systemMessage, inputToHistory } from './system-messages.js';
export { clientNowIso, formatInZone, toLastClient } from './client-clock.js';
export { replyIdOf } from './commit.js';
export { taskChangedAt } from './task-window.js';
export { clip } from './text.js';
