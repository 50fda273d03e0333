/** One manager model call, traced (ok or not) to `traces/`, its visible text streamed as it arrives. */
import type { ChatMessage, ChatResult } from '../llm/types.js';
import type { TraceAttempt } from '../storage/index.js';
import { renderMessages, renderReply } from '../worker/index.js';
import type { ManagerEnv } from './types.js';

export interface ManagerCall {
  messages: ChatMessage[];
  attempt: TraceAttempt;
  signal: AbortSignal;
  onTextDelta?: (delta: string) => void;
}

export async function callManagerModel(env: ManagerEnv, sessionId: string, call: ManagerCall): Promise<ChatResult> {
  const started = env.clock.now();
  const model = env.config.manager.model;
  const trace = async (ok: boolean, output: string, extra: { usage?: ChatResult['usage']; error?: string; elapsedMs: number }) => {
    try {
      await env.traces.writeTrace({
        timestamp: started, role: 'manager', attempt: call.attempt, model, sessionId, ok, prompt: renderMessages(call.messages), output,
        elapsedMs: extra.elapsedMs, ...(extra.usage ? { usage: extra.usage } : {}), ...(extra.error ? { error: extra.error } : {}),
      });
    } catch (e) {
      env.logger.warn({ err: e }, 'manager: cannot write the trace');
    }
  };
  try {
    const result = await env.model.chat({
      model, messages: call.messages, sessionId, signal: call.signal, ...(call.onTextDelta ? { onTextDelta: call.onTextDelta } : {}),
    });
    await trace(true, renderReply(result), { elapsedMs: result.elapsedMs, ...(result.usage ? { usage: result.usage } : {}) });
    return result;
  } catch (e) {
    await trace(false, '', { elapsedMs: env.clock.now() - started, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    throw e;
  }
}
