/**
 * The chat client over an OpenAI-compatible endpoint (the embedded RouteCodex by default). Always
 * streams: visible text is forwarded as it arrives and the whole reply is assembled, tool calls included.
 */
import { Agent, request } from 'undici';
import { SseParser } from '../../shared/sse.js';
import type { TokenUsage } from '../model/usage.js';
import { LlmError, type ChatModel, type ChatRequest, type ChatResult, type ToolCall } from './types.js';
import { llmErrorFromResponse } from './errors.js';

export interface LlmClientOptions {
  /** Base URL including `/v1`, e.g. `http://127.0.0.1:5555/v1`. */
  baseURL: string;
  apiKey?: string;
  /** Longest silence allowed while waiting for the reply or between stream events. */
  idleTimeoutMs?: number;
}

interface ChunkDelta {
  content?: string | null;
  reasoning_content?: string | null;
  tool_calls?: Array<{ index: number; id?: string; function?: { name?: string; arguments?: string } }>;
}
interface Chunk {
  choices?: Array<{ delta?: ChunkDelta; finish_reason?: string | null }>;
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number; prompt_tokens_details?: { cached_tokens?: number } } | null;
  error?: { message?: string; code?: string; type?: string };
}

export class LlmClient implements ChatModel {
  private readonly dispatcher = new Agent({ keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 });
  private readonly url: URL;

  constructor(private readonly options: LlmClientOptions) {
    this.url = new URL(`${options.baseURL.replace(/\/+$/, '')}/chat/completions`);
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  async chat(req: ChatRequest): Promise<ChatResult> {
    const started = Date.now();
    const body: Record<string, unknown> = { model: req.model, messages: req.messages, stream: true, stream_options: { include_usage: true } };
    if (req.tools && req.tools.length > 0) body.tools = req.tools.map((t) => ({ type: 'function', function: t }));
    if (req.reasoningEffort) body.reasoning_effort = req.reasoningEffort;
    if (req.maxTokens) body.max_tokens = req.maxTokens;
    const idle = new AbortController();
    const idleMs = this.options.idleTimeoutMs ?? 180_000;
    let timer: NodeJS.Timeout | undefined;
    const touch = () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => idle.abort(new LlmError('timeout', `no reply from the model for ${idleMs} ms`)), idleMs);
    };
    const signal = req.signal ? AbortSignal.any([req.signal, idle.signal]) : idle.signal;
    touch();
    try {
      const res = await request(this.url, {
        method: 'POST',
        dispatcher: this.dispatcher,
        signal,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream',
          'x-session-id': req.sessionId,
          ...(this.options.apiKey ? { authorization: `Bearer ${this.options.apiKey}` } : {}),
        },
        body: JSON.stringify(body),
      });
      if (res.statusCode >= 400) throw llmErrorFromResponse(res.statusCode, await res.body.text());
      const servedBy = res.headers['x-routecodex-provider-key'];
      const result = await this.readStream(res.body as AsyncIterable<Buffer>, req, touch);
      return { ...result, elapsedMs: Date.now() - started, ...(typeof servedBy === 'string' ? { servedBy } : {}) };
    } catch (e) {
      if (e instanceof LlmError) throw e;
      if (signal.aborted) {
        const reason: unknown = signal.reason;
        throw reason instanceof LlmError ? reason : new LlmError('aborted', 'model call aborted');
      }
      throw new LlmError('network', `cannot reach the model endpoint ${this.url.origin}: ${(e as Error).message}`);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private async readStream(body: AsyncIterable<Buffer>, req: ChatRequest, touch: () => void): Promise<Omit<ChatResult, 'elapsedMs'>> {
    const parser = new SseParser();
    let text = '';
    let reasoning = '';
    let finishReason = '';
    let usage: TokenUsage | undefined;
    let done = false;
    const calls = new Map<number, ToolCall>();
    const handle = (data: string) => {
      if (data === '[DONE]') {
        done = true;
        return;
      }
      let chunk: Chunk;
      try {
        chunk = JSON.parse(data) as Chunk;
      } catch {
        throw new LlmError('stream_broken', `the model stream sent data that is not JSON: ${data.slice(0, 80)}`);
      }
      if (chunk.error) throw llmErrorFromResponse(502, JSON.stringify(chunk));
      for (const choice of chunk.choices ?? []) {
        const d = choice.delta;
        if (d?.content) {
          text += d.content;
          req.onTextDelta?.(d.content);
        }
        if (d?.reasoning_content) reasoning += d.reasoning_content;
        for (const tc of d?.tool_calls ?? []) {
          const call = calls.get(tc.index) ?? { id: '', name: '', arguments: '' };
          if (tc.id) call.id = tc.id;
          if (tc.function?.name) call.name += tc.function.name;
          if (tc.function?.arguments) call.arguments += tc.function.arguments;
          calls.set(tc.index, call);
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      if (chunk.usage) {
        const u: TokenUsage = {};
        if (chunk.usage.prompt_tokens !== undefined) u.input = chunk.usage.prompt_tokens;
        if (chunk.usage.completion_tokens !== undefined) u.output = chunk.usage.completion_tokens;
        if (chunk.usage.prompt_tokens_details?.cached_tokens !== undefined) u.cachedInput = chunk.usage.prompt_tokens_details.cached_tokens;
        u.total = chunk.usage.total_tokens ?? (u.input ?? 0) + (u.output ?? 0);
        usage = u;
      }
    };
    for await (const buf of body) {
      touch();
      for (const ev of parser.push(buf)) handle(ev.data);
    }
    for (const ev of parser.end()) handle(ev.data);
    if (!done && !finishReason) throw new LlmError('stream_broken', 'the model stream ended before it finished');
    const toolCalls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => c);
    return { text, reasoning, toolCalls, finishReason: finishReason || 'stop', ...(usage ? { usage } : {}) };
  }
}
