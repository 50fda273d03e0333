/**
 * mimikit end-to-end harness: the fake upstream behind a REAL RouteCodex over real HTTP, and Runtimes on a
 * temp work dir talking to it through `LlmClient`. Waits are driven by the runtime's event bus.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FakeRule, FakeUpstream } from '../../src/routecodex/testing/fake-upstream/index.js';
import type { RouteCodexServer } from '../../src/routecodex/index.js';
import { startModelGateway } from '../helpers/model-gateway.js';
import { silentLogger } from '../../src/shared/logger.js';
import { loadMimikitConfig, type MimikitConfig } from '../../src/mimikit/config/index.js';
import { LlmClient } from '../../src/mimikit/llm/client.js';
import { Runtime, type RuntimeOptions } from '../../src/mimikit/orchestrator/index.js';
import type { RuntimeEvent } from '../../src/mimikit/orchestrator/index.js';

export interface Harness {
  fake: FakeUpstream;
  gateway: RouteCodexServer;
  model: LlmClient;
  workDir: string;
  config: MimikitConfig;
  runtimes: Runtime[];
  open(options?: Partial<RuntimeOptions>): Promise<Runtime>;
  script(rules: FakeRule[]): void;
  close(): Promise<void>;
}

export interface HarnessOptions {
  configure?: (config: MimikitConfig) => void;
  /** RouteCodex failover attempts per request (default 1: a fault reaches the client at once). */
  maxAttempts?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const upstream = await startModelGateway({ failureThreshold: 1000, maxRecordedRequests: 10_000, ...(options.maxAttempts !== undefined ? { maxAttempts: options.maxAttempts } : {}) });
  const { fake, gateway } = upstream;
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-e2e-'));
  const model = new LlmClient({ baseURL: upstream.baseURL, idleTimeoutMs: 20_000 });
  const config = await loadMimikitConfig({ workDir, env: {} });
  config.idle.afterMs = 3_600_000;
  config.worker.retry = { maxAttempts: 1, backoffMs: 10 };
  options.configure?.(config);
  const runtimes: Runtime[] = [];
  return {
    fake, gateway, model, workDir, config, runtimes,
    async open(extra = {}) {
      const runtime = await Runtime.open({ workDir, config, model, logger: silentLogger(), managerRetry: { baseMs: 50, maxMs: 200 }, ...extra });
      runtimes.push(runtime);
      return runtime;
    },
    script(rules) {
      fake.setScript({ rules });
    },
    async close() {
      await Promise.allSettled(runtimes.map((r) => r.stop()));
      await model.close();
      await upstream.close();
      await fs.rm(workDir, { recursive: true, force: true });
    },
  };
}

/** Resolves when `check` holds, re-checked after every runtime event (and once at once). */
export function until(runtime: Runtime, check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let done = false;
    let unsubscribe = () => {};
    const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      if (error) reject(error);
      else resolve();
    };
    const test = async () => {
      try {
        if (!done && (await check())) finish();
      } catch (e) {
        finish(e as Error);
      }
    };
    unsubscribe = runtime.events.subscribe(undefined, () => void test());
    void test();
  });
}

/** The first event (from now on) matching `predicate`. Create it BEFORE the action that causes the event. */
export function nextEvent<K extends RuntimeEvent['kind']>(runtime: Runtime, kind: K, predicate: (e: Extract<RuntimeEvent, { kind: K }>) => boolean = () => true, timeoutMs = 15_000): Promise<Extract<RuntimeEvent, { kind: K }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a ${kind} event`));
    }, timeoutMs);
    const unsubscribe = runtime.events.subscribe(undefined, (e) => {
      if (e.kind !== kind || !predicate(e as Extract<RuntimeEvent, { kind: K }>)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(e as Extract<RuntimeEvent, { kind: K }>);
    });
  });
}

/** The agent reply committed for the input `inputId` (waits for it). */
export async function replyTo(runtime: Runtime, inputId: string, timeoutMs = 15_000): Promise<string> {
  let text: string | undefined;
  await until(runtime, async () => {
    const messages = await runtime.messages({ limit: 200 });
    const at = messages.findIndex((m) => m.id === inputId && !m.pending);
    const reply = at < 0 ? undefined : messages.slice(at + 1).find((m) => m.role === 'agent');
    text = reply?.text;
    return text !== undefined;
  }, `the reply to ${inputId}`, timeoutMs);
  return text as string;
}
