/**
 * One attempt at a task: the tool loop. The model is called with the worker tools; every tool call
 * is run in order and answered; the first reply without tool calls is the result.
 */
import { mkdir } from 'node:fs/promises';
import type { Logger } from '../../shared/logger.js';
import { LlmError, type ChatMessage, type ChatModel, type ChatResult } from '../llm/types.js';
import { addUsage, type TokenUsage } from '../model/usage.js';
import { preview } from './tools/output-cap.js';
import type { ToolRegistry } from './tools/registry.js';
import type { ToolContext, ToolLimits } from './tools/types.js';
import { renderMessages, renderReply } from './transcript.js';
import type { AttemptResult, ModelCallTrace, ProgressSink, TraceSink, WorkerDirs, WorkerProgressEvent, WorkerTask } from './types.js';

export interface RunnerDeps {
  model: ChatModel;
  modelName: string;
  reasoningEffort?: string;
  /** The rendered worker system prompt. */
  systemPrompt: string;
  tools: ToolRegistry;
  dirs: WorkerDirs;
  limits: ToolLimits;
  /** How many replies with tool calls are executed; a reply asking for more fails the attempt. */
  maxToolRounds: number;
  /** 1-based. */
  attempt: number;
  signal: AbortSignal;
  progress: ProgressSink;
  trace: TraceSink;
  /** Where a throwing sink is reported. */
  logger?: Logger;
}

export const taskSessionId = (taskId: string) => `mimikit-task-${taskId}`;

function describeModelError(e: unknown): { error: string; transient: boolean } {
  if (e instanceof LlmError) return { error: `model call failed (${e.kind}): ${e.message}`, transient: e.transient };
  return { error: `model call failed: ${(e as Error).message ?? String(e)}`, transient: false };
}

export async function runTaskAttempt(task: WorkerTask, deps: RunnerDeps): Promise<AttemptResult> {
  const { attempt, signal } = deps;
  const started = Date.now();
  const sinkFailed = (e: unknown, event: WorkerProgressEvent) => deps.logger?.warn({ err: e, taskId: task.id, event: event.type }, 'worker progress sink failed');
  const emit = (event: WorkerProgressEvent) => {
    try {
      void Promise.resolve(deps.progress(event)).catch((e: unknown) => sinkFailed(e, event));
    } catch (e) {
      sinkFailed(e, event);
    }
  };
  /** For the tools: resolves once the event is written, rejects when it cannot be. */
  const emitDurably = async (event: WorkerProgressEvent): Promise<void> => {
    try {
      await deps.progress(event);
    } catch (e) {
      sinkFailed(e, event);
      throw e;
    }
  };
  const record = (trace: Omit<ModelCallTrace, 'taskId' | 'model' | 'attempt'>) => {
    try {
      deps.trace({ taskId: task.id, model: deps.modelName, attempt, ...trace });
    } catch (e) {
      deps.logger?.warn({ err: e, taskId: task.id }, 'worker trace sink failed');
    }
  };
  let usage: TokenUsage | undefined;
  let round = 0;
  const end = (result: AttemptResult): AttemptResult => {
    const error = result.status === 'failed' ? { error: result.error } : {};
    emit({ type: 'attempt_end', payload: { attempt, status: result.status, rounds: round, elapsedMs: Date.now() - started, ...error, ...(usage ? { usage } : {}) } });
    return result;
  };

  emit({ type: 'attempt_start', payload: { attempt, model: deps.modelName } });
  try {
    await mkdir(deps.dirs.workspaceDir, { recursive: true });
    await mkdir(deps.dirs.generatedDir, { recursive: true });
  } catch (e) {
    return end({ status: 'failed', error: `cannot prepare the workspace: ${(e as Error).message}`, transient: false, rounds: 0 });
  }
  const ctx: ToolContext = { ...deps.dirs, signal, limits: deps.limits, progress: emitDurably };
  const specs = deps.tools.specs();
  const messages: ChatMessage[] = [
    { role: 'system', content: deps.systemPrompt },
    { role: 'user', content: task.prompt },
  ];
  const usagePart = () => (usage ? { usage } : {});

  for (;;) {
    if (signal.aborted) return end({ status: 'aborted', rounds: round, ...usagePart() });
    round += 1;
    const callStarted = Date.now();
    let reply: ChatResult;
    try {
      reply = await deps.model.chat({
        model: deps.modelName,
        messages: messages.slice(),
        tools: specs,
        sessionId: taskSessionId(task.id),
        signal,
        ...(deps.reasoningEffort ? { reasoningEffort: deps.reasoningEffort } : {}),
      });
    } catch (e) {
      const failure = describeModelError(e);
      record({ round, prompt: renderMessages(messages), output: '', ok: false, elapsedMs: Date.now() - callStarted, error: failure.error });
      if (signal.aborted) return end({ status: 'aborted', rounds: round, ...usagePart() });
      return end({ status: 'failed', ...failure, rounds: round, ...usagePart() });
    }
    usage = addUsage(usage, reply.usage);
    record({
      round,
      prompt: renderMessages(messages),
      output: renderReply(reply),
      ok: true,
      elapsedMs: reply.elapsedMs,
      ...(reply.usage ? { usage: reply.usage } : {}),
      ...(reply.servedBy ? { servedBy: reply.servedBy } : {}),
    });
    emit({
      type: 'model_reply',
      payload: { attempt, round, textPreview: preview(reply.text), toolCalls: reply.toolCalls.map((c) => c.name), elapsedMs: reply.elapsedMs, ...(reply.usage ? { usage: reply.usage } : {}) },
    });

    if (reply.toolCalls.length === 0) {
      if (reply.text.trim() === '') return end({ status: 'failed', error: 'the model ended without an answer (empty reply)', transient: false, rounds: round, ...usagePart() });
      return end({ status: 'succeeded', output: reply.text, rounds: round, ...usagePart() });
    }
    if (round > deps.maxToolRounds) {
      const error = `no final answer after ${deps.maxToolRounds} tool rounds: the model still asked for ${reply.toolCalls.map((c) => c.name).join(', ')}`;
      return end({ status: 'failed', error, transient: false, rounds: round, ...usagePart() });
    }

    const calls = reply.toolCalls.map((c, i) => ({ ...c, id: c.id || `call_${attempt}_${round}_${i}` }));
    messages.push({
      role: 'assistant',
      content: reply.text === '' ? null : reply.text,
      tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.arguments } })),
    });
    for (const call of calls) {
      if (signal.aborted) return end({ status: 'aborted', rounds: round, ...usagePart() });
      emit({ type: 'tool_start', payload: { attempt, round, name: call.name, argsPreview: preview(call.arguments) } });
      const toolStarted = Date.now();
      const out = await deps.tools.execute(call.name, call.arguments, ctx);
      emit({ type: 'tool_end', payload: { attempt, round, name: call.name, ok: out.ok, outputPreview: preview(out.content), elapsedMs: Date.now() - toolStarted } });
      messages.push({ role: 'tool', tool_call_id: call.id, content: out.content });
    }
  }
}
