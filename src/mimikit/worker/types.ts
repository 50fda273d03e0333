/** The worker's public types: what a task attempt needs, reports and returns. */
import type { Task } from '../model/tasks.js';
import type { TokenUsage } from '../model/usage.js';
import type { ToolProcessEvent } from './tools/types.js';

/** What the worker needs of a task; the pool hands the caller's own object back in its callbacks. */
export type WorkerTask = Pick<Task, 'id' | 'prompt'>;

/** One worker profile (`worker.profiles.<name>` in the config). */
export interface WorkerProfile {
  model: string;
  /** Per attempt. */
  timeoutMs: number;
  reasoningEffort?: string;
}

/** Where a worker works. All absolute. */
export interface WorkerDirs {
  workDir: string;
  workspaceDir: string;
  generatedDir: string;
}

export type AttemptStatus = 'succeeded' | 'failed' | 'aborted';

export type AttemptResult =
  | { status: 'succeeded'; output: string; usage?: TokenUsage; rounds: number }
  | { status: 'failed'; error: string; transient: boolean; usage?: TokenUsage; rounds: number }
  /** The signal was aborted (cancel, timeout or stop); the pool knows which. */
  | { status: 'aborted'; usage?: TokenUsage; rounds: number };

/**
 * Progress of one attempt, in order; `round` counts model calls within the attempt. `tool_process` and
 * `tool_process_end` (from the shell tool) bracket a process group's life; start-up recovery reads them.
 */
export type WorkerProgressEvent =
  | { type: 'attempt_start'; payload: { attempt: number; model: string } }
  | {
      type: 'model_reply';
      payload: { attempt: number; round: number; textPreview: string; toolCalls: string[]; elapsedMs: number; usage?: TokenUsage };
    }
  | { type: 'tool_start'; payload: { attempt: number; round: number; name: string; argsPreview: string } }
  | { type: 'tool_end'; payload: { attempt: number; round: number; name: string; ok: boolean; outputPreview: string; elapsedMs: number } }
  | { type: 'attempt_end'; payload: { attempt: number; status: AttemptStatus; rounds: number; elapsedMs: number; error?: string; usage?: TokenUsage } }
  | ToolProcessEvent;

/**
 * Where progress goes. A returned promise resolves once the event is written: the shell tool waits for
 * its `tool_process` record that way (other events are not waited for; a rejection is logged).
 */
export type ProgressSink = (event: WorkerProgressEvent) => void | Promise<void>;

/** One model call, for the trace archive. */
export interface ModelCallTrace {
  taskId: string;
  model: string;
  attempt: number;
  round: number;
  /** The request's messages as readable text. */
  prompt: string;
  /** The reply's text and tool calls as readable text ('' when the call failed). */
  output: string;
  ok: boolean;
  elapsedMs: number;
  usage?: TokenUsage;
  error?: string;
  servedBy?: string;
}

export type TraceSink = (trace: ModelCallTrace) => void;
