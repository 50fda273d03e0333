/** The worker: tool loop, tools, and the pool that runs tasks with concurrency, retry, timeout and cancel. */
export { WorkerPool, WorkerAbort, canceledOutput } from './pool.js';
export type { AttemptContext, AttemptRunner, TaskOutcome, WorkerPoolOptions } from './pool.js';
export { runTaskAttempt, taskSessionId } from './runner.js';
export type { RunnerDeps } from './runner.js';
export { createAttemptRunner } from './attempt-runner.js';
export type { AttemptRunnerOptions } from './attempt-runner.js';
export { backoffDelay, DEFAULT_MAX_BACKOFF_MS } from './backoff.js';
export type { RetryPolicy } from './backoff.js';
export { renderMessages, renderReply } from './transcript.js';
export type {
  AttemptResult,
  AttemptStatus,
  ModelCallTrace,
  ProgressSink,
  TraceSink,
  WorkerDirs,
  WorkerProfile,
  WorkerProgressEvent,
  WorkerTask,
} from './types.js';
export { ToolRegistry, defaultToolRegistry } from './tools/registry.js';
export { DEFAULT_TOOL_LIMITS, ToolFailure, defineTool, toolError, toolOk } from './tools/types.js';
export type { Tool, ToolContext, ToolLimits, ToolOutput, ToolProcessEvent, ToolProcessRecord, ToolSpec } from './tools/types.js';
export { shellTool, killProcessGroup } from './tools/shell.js';
export { readFileTool } from './tools/read-file.js';
export { writeFileTool, editFileTool } from './tools/write-files.js';
export { listFilesTool } from './tools/list-files.js';
export { fetchUrlTool, htmlToText } from './tools/fetch-url.js';
export { resolveToolPath } from './tools/paths.js';
export { identifyToolProcess, killGroupAndWait, openToolProcesses, toolProcessRecordSchema } from './orphans.js';
export type { Identity, ProcessProbeOptions } from './orphans.js';
export { parseProcStat, readProcStat, procAvailable, processStartTime, bootId, liveGroupMembers, PROC_ROOT } from './tools/proc-stat.js';
export type { ProcStat } from './tools/proc-stat.js';
