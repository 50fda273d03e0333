/** How startRouteCodex assembles the manager: the store factory, close order, one registry per gateway. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startRouteCodex, StartupError } from '../../../src/routecodex/start.js';
import { silentLogger } from '../../../src/shared/logger.js';
import { startHarness, type GatewayHarness } from '../../helpers/gateway-harness.js';
import { tempDir } from '../../helpers/temp-dir.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function harness(): Promise<GatewayHarness> {
  const h = await startHarness();
  cleanups.push(() => h.close());
  return h;
}

describe('manager wiring', () => {
  it('manager.store: redis with a redisUrl that is not a redis:// URL is refused at start-up with a clear message', async () => {
    const home = await tempDir();
    cleanups.push(home.remove);
    const document = { virtualrouter: { providers: {}, routing: {} }, manager: { store: 'redis', redisUrl: 'http://127.0.0.1:6379' } };
    const start = () => startRouteCodex({ home: home.path, env: {}, document, port: 0, logger: silentLogger() });
    await expect(start()).rejects.toThrow(StartupError);
    await expect(start()).rejects.toThrow(/manager\.redisUrl must be a redis:\/\/ or rediss:\/\/ URL/);
  });

  it('close stops the server, then the manager: health.jsonl is compacted on the way out', async () => {
    const h = await harness();
    h.fake.addRules({ times: 1, reply: { fault: { status: 503 } } });
    const res = await fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'oa.gpt-test', messages: [{ role: 'user', content: 'x' }] }) });
    await res.text();
    await h.gateway.close();
    await expect(fetch(`${h.gateway.url}/health`)).rejects.toThrow();
    const file = path.join(h.home, 'state', 'router', 'test', 'health.jsonl');
    const kinds = (await fs.readFile(file, 'utf8')).trim().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds).toEqual(['snapshot', 'event']);
  });

  it('each gateway counts into its own metrics registry', async () => {
    const [one, two] = [await harness(), await harness()];
    const chat = (h: GatewayHarness) =>
      fetch(`${h.gateway.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'oa.gpt-test', messages: [{ role: 'user', content: 'x' }] }) }).then((r) => r.text());
    await chat(one);
    await chat(one);
    await chat(two);
    const count = async (h: GatewayHarness) => (await (await fetch(`${h.gateway.url}/metrics`)).text()).match(/^routecodex_requests_total\{.*\} (\d+)$/m)?.[1];
    expect(await count(one)).toBe('2');
    expect(await count(two)).toBe('1');
  });
});
