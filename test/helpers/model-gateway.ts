/**
 * The model side of mimikit's tests, benchmark and crash harness: the fake upstream behind a REAL
 * RouteCodex over HTTP, with one OpenAI-compatible provider serving every route mimikit uses.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../../src/routecodex/testing/fake-upstream/index.js';
import { startRouteCodex, type RouteCodexServer } from '../../src/routecodex/index.js';
import { silentLogger } from '../../src/shared/logger.js';

export const MODEL_TARGET = 'oa.gpt-test';

export interface ModelGateway {
  fake: FakeUpstream;
  gateway: RouteCodexServer;
  /** What a runtime uses as its model endpoint (`MIMIKIT_LLM_BASE_URL`). */
  baseURL: string;
  close(): Promise<void>;
}

export interface ModelGatewayOptions {
  /** RouteCodex failover attempts per request (default 1: a fault reaches the client at once). */
  maxAttempts?: number;
  /** Consecutive failures before the only provider cools down (default: practically never). */
  failureThreshold?: number;
  /** Requests the fake keeps for inspection. */
  maxRecordedRequests?: number;
}

export async function startModelGateway(options: ModelGatewayOptions = {}): Promise<ModelGateway> {
  const fake = await startFakeUpstream({ port: 0, latencyMs: 0, ...(options.maxRecordedRequests !== undefined ? { maxRecordedRequests: options.maxRecordedRequests } : {}) });
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-rcx-'));
  let gateway: RouteCodexServer;
  try {
    gateway = await startRouteCodex({
      document: {
        httpserver: { host: '127.0.0.1', port: 0 },
        logging: { level: 'silent' },
        virtualrouter: {
          providers: { oa: { type: 'openai', baseURL: `${fake.url}/v1`, auth: { type: 'apikey', apiKey: 'k-test' }, models: ['gpt-test'] } },
          routing: { default: [MODEL_TARGET], thinking: [MODEL_TARGET], background: [MODEL_TARGET] },
          // Runtimes killed or stopped mid-stream abort requests: that must not cool the only provider down.
          health: { failureThreshold: options.failureThreshold ?? 1_000_000 },
          failover: { maxAttempts: options.maxAttempts ?? 1 },
        },
      },
      home,
      env: {},
      logger: silentLogger(),
    });
  } catch (e) {
    await fake.close();
    await fs.rm(home, { recursive: true, force: true });
    throw e;
  }
  return {
    fake,
    gateway,
    baseURL: `${gateway.url}/v1`,
    async close() {
      await gateway.close();
      await fake.close();
      await fs.rm(home, { recursive: true, force: true });
    },
  };
}
