/**
 * What the orchestration benchmark runs on: the fake upstream (0 ms latency) behind a real RouteCodex,
 * both in this process, and a Runtime on a temp work dir whose model calls go through `LlmClient` over
 * HTTP to RouteCodex. The ChatModel is wrapped to timestamp the moment the runtime starts a model call.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FakeUpstream } from '../../src/routecodex/testing/fake-upstream/index.js';
import type { RouteCodexServer } from '../../src/routecodex/index.js';
import { silentLogger } from '../../src/shared/logger.js';
import { loadMimikitConfig, type MimikitConfig } from '../../src/mimikit/config/index.js';
import { LlmClient } from '../../src/mimikit/llm/client.js';
import type { ChatModel, ChatRequest, ChatResult } from '../../src/mimikit/llm/types.js';
import { Runtime } from '../../src/mimikit/orchestrator/index.js';
import { startModelGateway } from '../../test/helpers/model-gateway.js';

/** Calls the real client; tells `onCall` (synchronously) when each call starts. */
export class TimedModel implements ChatModel {
  onCall: ((request: ChatRequest, atMs: number) => void) | undefined;

  constructor(private readonly inner: ChatModel) {}

  chat(request: ChatRequest): Promise<ChatResult> {
    this.onCall?.(request, performance.now());
    return this.inner.chat(request);
  }
}

export interface BenchEnv {
  fake: FakeUpstream;
  gateway: RouteCodexServer;
  model: TimedModel;
  runtime: Runtime;
  close(): Promise<void>;
}

export async function startBenchEnv(configure: (config: MimikitConfig) => void): Promise<BenchEnv> {
  const upstream = await startModelGateway({ maxRecordedRequests: 100 });
  const { fake, gateway } = upstream;
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-bench-'));
  const client = new LlmClient({ baseURL: upstream.baseURL });
  const model = new TimedModel(client);
  const config = await loadMimikitConfig({ workDir, env: {} });
  config.idle.afterMs = 3_600_000;
  config.manager.taskCreate.debounceMs = 0;
  config.worker.retry = { maxAttempts: 1, backoffMs: 0 };
  configure(config);
  const runtime = await Runtime.open({ workDir, config, model, logger: silentLogger() });
  await runtime.start();
  return {
    fake,
    gateway,
    model,
    runtime,
    async close() {
      await runtime.stop();
      await client.close();
      await upstream.close();
      await fs.rm(workDir, { recursive: true, force: true });
    },
  };
}

/** Resolves at the first runtime event for which `check` holds (checked on every event). */
export function whenEvent(env: BenchEnv, check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const unsubscribe = env.runtime.events.subscribe(undefined, () => {
      if (!check()) return;
      clearTimeout(timer);
      unsubscribe();
      resolve();
    });
  });
}
