/** The model side of the harness: the fake upstream behind a real RouteCodex (both in this process). */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startFakeUpstream, type FakeUpstream } from '../../src/routecodex/testing/fake-upstream/index.js';
import { startRouteCodex, type RouteCodexServer } from '../../src/routecodex/index.js';
import { silentLogger } from '../../src/shared/logger.js';

export interface Upstream {
  fake: FakeUpstream;
  gateway: RouteCodexServer;
  /** What runtimes use as MIMIKIT_LLM_BASE_URL. */
  baseURL: string;
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const fake = await startFakeUpstream({ port: 0, latencyMs: 0, maxRecordedRequests: 1_000_000 });
  const home = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-crash-rcx-'));
  const gateway = await startRouteCodex({
    document: {
      httpserver: { host: '127.0.0.1', port: 0 },
      logging: { level: 'silent' },
      virtualrouter: {
        providers: { oa: { type: 'openai', baseURL: `${fake.url}/v1`, auth: { type: 'apikey', apiKey: 'k-test' }, models: ['gpt-test'] } },
        routing: { default: ['oa.gpt-test'], thinking: ['oa.gpt-test'], background: ['oa.gpt-test'] },
        // Runtimes killed mid-stream abort requests; that must never cool the only provider down.
        health: { failureThreshold: 1_000_000 },
        failover: { maxAttempts: 1 },
      },
    },
    home,
    env: {},
    logger: silentLogger(),
  });
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
