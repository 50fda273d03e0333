/** Binds the tool loop (`runTaskAttempt`) to the pool's `AttemptRunner` shape. */
import type { Logger } from '../../shared/logger.js';
import type { ChatModel } from '../llm/types.js';
import type { AttemptRunner } from './pool.js';
import { runTaskAttempt } from './runner.js';
import { defaultToolRegistry, type ToolRegistry } from './tools/registry.js';
import { DEFAULT_TOOL_LIMITS, type ToolLimits } from './tools/types.js';
import type { TraceSink, WorkerDirs, WorkerProfile, WorkerProgressEvent, WorkerTask } from './types.js';

export interface AttemptRunnerOptions<T extends WorkerTask> {
  model: ChatModel;
  dirs: WorkerDirs;
  maxToolRounds: number;
  /** Renders the worker system prompt for a task. */
  systemPrompt: (task: T, profile: WorkerProfile) => string | Promise<string>;
  /** A returned promise resolves once the event is written (see `ProgressSink`). */
  progress: (taskId: string, event: WorkerProgressEvent) => void | Promise<void>;
  trace: TraceSink;
  /** Default: the standard six tools. */
  tools?: ToolRegistry;
  limits?: Partial<ToolLimits>;
  logger?: Logger;
}

export function createAttemptRunner<T extends WorkerTask>(options: AttemptRunnerOptions<T>): AttemptRunner<T> {
  const tools = options.tools ?? defaultToolRegistry();
  const limits: ToolLimits = { ...DEFAULT_TOOL_LIMITS, ...options.limits };
  return async (task, { profile, attempt, signal }) => {
    let systemPrompt: string;
    try {
      systemPrompt = await options.systemPrompt(task, profile);
    } catch (e) {
      return { status: 'failed', error: `cannot render the worker prompt: ${(e as Error).message}`, transient: false, rounds: 0 };
    }
    return runTaskAttempt(task, {
      model: options.model,
      modelName: profile.model,
      ...(profile.reasoningEffort ? { reasoningEffort: profile.reasoningEffort } : {}),
      systemPrompt,
      tools,
      dirs: options.dirs,
      limits,
      maxToolRounds: options.maxToolRounds,
      attempt,
      signal,
      progress: (event) => options.progress(task.id, event),
      trace: options.trace,
      ...(options.logger ? { logger: options.logger } : {}),
    });
  };
}
