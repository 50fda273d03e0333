/**
 * The manager's HTTP surface, pinned: /manager/state/health, /manager/state/routing/:sessionId,
 * /manager/state/health/reset, /manager/state/modules and /metrics — exact shapes, auth like /v1/*,
 * and no secret (upstream key, gateway key) in any body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type GatewayHarness } from '../../helpers/gateway-harness.js';

const SECRETS = { a: 'sk-alpha-SECRET-0001', b: 'sk-bravo-SECRET-0002', gateway: 'gw-charlie-SECRET-0003' };
const A = 'pa.key1.ma';
const B = 'pb.key1.mb';
let h: GatewayHarness;
const bodies: string[] = [];

beforeAll(async () => {
  h = await startHarness((u) => ({
    serverId: 'endpoints',
    httpserver: { host: '127.0.0.1', port: 0, apiKeys: [SECRETS.gateway] },
    logging: { level: 'silent' },
    virtualrouter: {
      providers: {
        pa: { type: 'openai', baseURL: `${u}/v1`, auth: { type: 'apikey', apiKey: SECRETS.a }, models: ['ma'] },
        pb: { type: 'openai', baseURL: `${u}/v1`, auth: { type: 'apikey', apiKey: SECRETS.b }, models: ['mb'] },
      },
      routing: { default: [{ id: 'first', priority: 200, targets: ['pa.ma'] }, { id: 'second', priority: 100, targets: ['pb.mb'] }] },
      health: { rateLimitScheduleMs: [1_000] },
    },
  }));
  // One exchange that fails over: A answers 429 (Retry-After 30 s), B serves. Then a session sticks to B.
  h.fake.addRules({ match: { apiKey: SECRETS.a }, times: 1, reply: { fault: { status: 429, retryAfter: 30 } } });
  const chat = (content: string, headers: Record<string, string> = {}) =>
    call('/v1/chat/completions', { method: 'POST', headers, body: JSON.stringify({ model: 'default', messages: [{ role: 'user', content }] }) });
  const failover = await chat('hi');
  expect(failover.status).toBe(200);
  expect(failover.headers.get('x-routecodex-attempts')).toBe('2');
  const sticky = await chat('hi <**!pb.mb**>', { 'x-session-id': 'sess-1' });
  expect(sticky.headers.get('x-routecodex-provider-key')).toBe(B);
});
afterAll(async () => {
  await h.close();
});

async function call(path: string, init: RequestInit = {}, auth = true): Promise<Response> {
  const headers = { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${SECRETS.gateway}` } : {}), ...(init.headers as Record<string, string> | undefined) };
  const res = await fetch(`${h.gateway.url}${path}`, { ...init, headers });
  const text = await res.clone().text();
  bodies.push(text);
  return res;
}
async function json(path: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const res = await call(path, init);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}
const keysOf = (v: unknown) => Object.keys(v as object).sort();

describe('/manager/state/*', () => {
  it('GET /manager/state/health: live state of every providerKey, plus what was restored', async () => {
    const body = await json('/manager/state/health');
    expect(keysOf(body)).toEqual(['now', 'providers', 'restored', 'serverId']);
    expect(body.serverId).toBe('endpoints');
    expect(body.restored).toEqual([]); // a fresh home restores nothing (restart-survival.test.ts covers the rest)
    const providers = body.providers as Array<Record<string, unknown>>;
    expect(providers.map((p) => p.providerKey)).toEqual([A, B]);
    const [a, b] = providers;
    expect(keysOf(a)).toEqual(['cooldownExpiresAt', 'cooldownRemainingMs', 'failureCount', 'lastFailure', 'providerKey', 'reason', 'state']);
    expect(a).toMatchObject({ state: 'cooling', reason: 'rate_limit', failureCount: 0 });
    expect(keysOf(a!.lastFailure)).toEqual(['at', 'class', 'message']);
    expect((a!.lastFailure as Record<string, unknown>).class).toBe('rate_limit');
    expect(Number(a!.cooldownRemainingMs)).toBeGreaterThan(25_000);
    expect(keysOf(b)).toEqual(['failureCount', 'providerKey', 'state']);
    expect(b).toEqual({ providerKey: B, state: 'healthy', failureCount: 0 });
  });

  it('GET /manager/state/routing/:sessionId: the session state, 404 for an unknown session', async () => {
    const body = await json('/manager/state/routing/sess-1');
    expect(keysOf(body)).toEqual(['sessionId', 'state']);
    const state = body.state as Record<string, unknown>;
    expect(keysOf(state)).toEqual(['createdAt', 'disabled', 'pins', 'sessionId', 'stickyTarget', 'updatedAt', 'version']);
    expect(state).toMatchObject({ version: 1, sessionId: 'sess-1', stickyTarget: { provider: 'pb', model: 'mb', name: 'pb.mb' }, disabled: { providers: [], keys: [], models: [] } });
    const missing = await call('/manager/state/routing/nobody');
    expect(missing.status).toBe(404);
    expect(keysOf(await missing.json())).toEqual(['error']);
  });

  it('GET /manager/state/modules: the ManagerDaemon modules in start order', async () => {
    const body = await json('/manager/state/modules');
    expect(body).toEqual({ serverId: 'endpoints', modules: [{ id: 'token', status: 'started' }, { id: 'routing', status: 'started' }, { id: 'health', status: 'started' }] });
  });

  it('needs the gateway key like /v1/*', async () => {
    for (const path of ['/manager/state/health', '/manager/state/routing/sess-1', '/manager/state/modules', '/metrics']) {
      expect((await call(path, {}, false)).status, path).toBe(401);
    }
    expect((await call('/manager/state/health/reset', { method: 'POST', body: '{}' }, false)).status).toBe(401);
  });
});

describe('/metrics', () => {
  it('Prometheus text from the gateway registry: requests, attempts, failovers, cooldown transitions, latency, process', async () => {
    const res = await call('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const samples = text.split('\n').filter((l) => l.startsWith('routecodex_') && !l.includes('_bucket{'));
    const seconds = /[\d.e-]+/.source;
    expect(samples.map((l) => l.replace(new RegExp(`(_sum\\{.*\\}) ${seconds}$`), '$1 <s>'))).toEqual([
      'routecodex_requests_total{protocol="openai-chat",route="default",status="200"} 1',
      'routecodex_requests_total{protocol="openai-chat",route="sticky:pb.mb",status="200"} 1',
      `routecodex_attempts_total{provider_key="${A}",outcome="rate_limit"} 1`,
      `routecodex_attempts_total{provider_key="${B}",outcome="ok"} 2`,
      'routecodex_failovers_total{protocol="openai-chat",route="default"} 1',
      `routecodex_cooldown_transitions_total{provider_key="${A}",from="healthy",to="cooling"} 1`,
      'routecodex_exchange_duration_seconds_sum{protocol="openai-chat",route="default"} <s>',
      'routecodex_exchange_duration_seconds_count{protocol="openai-chat",route="default"} 1',
      'routecodex_exchange_duration_seconds_sum{protocol="openai-chat",route="sticky:pb.mb"} <s>',
      'routecodex_exchange_duration_seconds_count{protocol="openai-chat",route="sticky:pb.mb"} 1',
      `routecodex_attempt_duration_seconds_sum{provider_key="${A}",outcome="rate_limit"} <s>`,
      `routecodex_attempt_duration_seconds_count{provider_key="${A}",outcome="rate_limit"} 1`,
      `routecodex_attempt_duration_seconds_sum{provider_key="${B}",outcome="ok"} <s>`,
      `routecodex_attempt_duration_seconds_count{provider_key="${B}",outcome="ok"} 2`,
    ]);
    expect(text).toContain('routecodex_exchange_duration_seconds_bucket{le="+Inf",protocol="openai-chat",route="default"} 1');
    for (const family of ['routecodex_requests_total', 'routecodex_attempts_total', 'routecodex_failovers_total', 'routecodex_cooldown_transitions_total']) {
      expect(text).toContain(`# TYPE ${family} counter`);
    }
    expect(text).toContain('# TYPE routecodex_exchange_duration_seconds histogram');
    expect(text).toContain('# TYPE routecodex_attempt_duration_seconds histogram');
    expect(text).toMatch(/^process_cpu_user_seconds_total /m);
    expect(text).toMatch(/^nodejs_heap_size_used_bytes /m);
  });
});

describe('secrets', () => {
  it('no response body of these endpoints carries a configured key', async () => {
    await json('/manager/state/health/reset', { method: 'POST', body: '{}' });
    expect(bodies.length).toBeGreaterThan(8);
    for (const body of bodies) for (const secret of Object.values(SECRETS)) expect(body).not.toContain(secret);
  });
});
