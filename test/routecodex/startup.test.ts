/** Start-up rules: zero-config from environment keys, the unconfigured server, gateway API keys, safe binding, config errors. */
import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/shared/config-file.js';
import { silentLogger } from '../../src/shared/logger.js';
import { startRouteCodex, StartupError, type RouteCodexServer } from '../../src/routecodex/start.js';
import { startFakeUpstream, type FakeUpstream } from '../../src/routecodex/testing/fake-upstream/index.js';
import { fourProviderConfig } from '../helpers/gateway-harness.js';
import { tempDir } from '../helpers/temp-dir.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function start(opts: Parameters<typeof startRouteCodex>[0]): Promise<RouteCodexServer> {
  const home = await tempDir();
  cleanups.push(home.remove);
  const server = await startRouteCodex({ home: home.path, logger: silentLogger(), port: 0, ...opts });
  cleanups.push(() => server.close());
  return server;
}
async function fake(): Promise<FakeUpstream> {
  const f = await startFakeUpstream();
  cleanups.push(() => f.close());
  return f;
}

describe('zero-config', () => {
  it('builds providers from OPENAI_API_KEY + OPENAI_BASE_URL and serves', async () => {
    const f = await fake();
    const server = await start({ env: { OPENAI_API_KEY: 'sk-env', OPENAI_BASE_URL: `${f.url}/v1` } });
    expect(server.config.source).toBe('environment');
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'anything', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-routecodex-route')).toBe('default');
    expect(f.requests()[0]!.apiKey).toBe('sk-env');
    expect(f.requests()[0]!.model).toBe('gpt-4.1');
  });

  it('with no provider at all, starts and says what to set', async () => {
    const server = await start({ env: {} });
    const health = (await (await fetch(`${server.url}/health`)).json()) as Record<string, unknown>;
    expect(health.configured).toBe(false);
    expect(String(health.hint)).toMatch(/OPENAI_API_KEY/);
    const res = await fetch(`${server.url}/v1/messages`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);
    const body = (await res.json()) as { type: string; error: { message: string } };
    expect(body.type).toBe('error');
    expect(body.error.message).toMatch(/ANTHROPIC_API_KEY/);
  });
});

describe('gateway API keys', () => {
  it('protects /v1/* with Bearer or x-api-key, leaves /health open', async () => {
    const f = await fake();
    const server = await start({ document: fourProviderConfig(f.url, { httpserver: { host: '127.0.0.1', port: 0, apiKeys: ['gw-secret'] } }), env: {} });
    const req = (headers: Record<string, string>) =>
      fetch(`${server.url}/v1/chat/completions`, { method: 'POST', headers, body: JSON.stringify({ model: 'oa.gpt-test', messages: [{ role: 'user', content: 'x' }] }) });
    expect((await req({})).status).toBe(401);
    expect((await req({ authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await req({ authorization: 'Bearer gw-secret' })).status).toBe(200);
    expect((await req({ 'x-api-key': 'gw-secret' })).status).toBe(200);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    // The gateway key is not the upstream key.
    expect(f.requests().every((r) => r.apiKey === 'k-oa')).toBe(true);
  });
});

describe('binding and config errors', () => {
  it('refuses a non-loopback address without API keys', async () => {
    const home = await tempDir();
    cleanups.push(home.remove);
    await expect(startRouteCodex({ home: home.path, env: {}, host: '0.0.0.0', port: 0, logger: silentLogger() })).rejects.toThrow(StartupError);
    await expect(startRouteCodex({ home: home.path, env: {}, host: '0.0.0.0', port: 0, logger: silentLogger() })).rejects.toThrow(/needs httpserver\.apiKeys/);
  });

  it('names a missing ${ENV} variable and where it is used', async () => {
    const home = await tempDir();
    cleanups.push(home.remove);
    const doc = fourProviderConfig('http://127.0.0.1:1');
    ((doc.virtualrouter as { providers: Record<string, { auth: unknown }> }).providers.oa!).auth = { type: 'apikey', apiKey: '${MISSING_KEY_VAR}' };
    const err = await startRouteCodex({ document: doc, home: home.path, env: {}, logger: silentLogger() }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toContainEqual({ path: 'virtualrouter.providers.oa.auth.apiKey', message: 'environment variable MISSING_KEY_VAR is not set' });
  });

  it('reports every schema problem with its path and unknown targets in routes', async () => {
    const home = await tempDir();
    cleanups.push(home.remove);
    const doc = fourProviderConfig('http://127.0.0.1:1');
    const vr = doc.virtualrouter as Record<string, unknown>;
    vr.routing = { default: ['oa.gpt-test', 'oa.nope'] };
    const err = (await startRouteCodex({ document: doc, home: home.path, env: {}, logger: silentLogger() }).catch((e: unknown) => e)) as ConfigError;
    expect(err.problems).toContainEqual({ path: 'virtualrouter.routing.default[1]', message: expect.stringMatching(/unknown target "oa.nope"/) });
    vr.failover = { maxAttempts: 'three' };
    const err2 = (await startRouteCodex({ document: doc, home: home.path, env: {}, logger: silentLogger() }).catch((e: unknown) => e)) as ConfigError;
    expect(err2.problems.map((p) => p.path)).toContain('virtualrouter.failover.maxAttempts');
  });
});

describe('client disconnect', () => {
  it('aborts the upstream request', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    let started!: () => void;
    const streaming = new Promise<void>((r) => (started = r));
    const upstream = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { role: 'assistant', content: 'tick ' } }] })}\n\n`);
      const timer = setInterval(() => res.write(`data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { content: 'tick ' } }] })}\n\n`), 20);
      started();
      res.on('close', () => {
        clearInterval(timer);
        upstreamClosed();
      });
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => upstream.close(() => r())));
    const port = (upstream.address() as { port: number }).port;
    const server = await start({
      env: {},
      document: { httpserver: { port: 0 }, virtualrouter: { providers: { u: { type: 'openai', baseURL: `http://127.0.0.1:${port}/v1`, auth: { type: 'none' }, models: ['m'] } }, routing: { default: ['u.m'] } } },
    });
    const controller = new AbortController();
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: 'POST',
      signal: controller.signal,
      body: JSON.stringify({ model: 'u.m', stream: true, messages: [{ role: 'user', content: 'go' }] }),
    });
    const reader = res.body!.getReader();
    await reader.read();
    await streaming;
    controller.abort();
    await expect(closed).resolves.toBeUndefined();
  });
});
