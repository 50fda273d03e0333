/**
 * Fault-suite helpers: a config with three distinguishable providers (pa/pb/pc, keys k-a/k-b/k-c,
 * models ma/mb/mc) behind ONE fake upstream, in priority-ordered pools (A, then B, then C), plus a
 * two-key provider `pk` (k-good → key1, k-bad → key2); raw-HTTP requests in each inbound protocol with
 * their SSE parsed; and the manager's health state.
 */
import { startHarness, type GatewayHarness } from './gateway-harness.js';
import type { InboundKind } from './protocol-clients.js';

export type UpstreamType = 'openai' | 'responses' | 'anthropic';

export const A = 'pa.key1.ma';
export const B = 'pb.key1.mb';
export const C = 'pc.key1.mc';
export const KEY_GOOD = 'pk.key1.mk';
export const KEY_BAD = 'pk.key2.mk';
export const API_KEY: Record<string, string> = { [A]: 'k-a', [B]: 'k-b', [C]: 'k-c' };

export const FAILOVER = { maxAttempts: 3, ttfbTimeoutMs: 400, idleStreamTimeoutMs: 400, nonStreamTimeoutMs: 400 };
export const HEALTH = { failureThreshold: 3, cooldownMs: 30_000, rateLimitScheduleMs: [5_000, 15_000] };

/** Pools forcing the order A → B → C (higher priority first). */
export const ORDERED_POOLS = [
  { id: 'p1', priority: 300, targets: ['pa.ma'] },
  { id: 'p2', priority: 200, targets: ['pb.mb'] },
  { id: 'p3', priority: 100, targets: ['pc.mc'] },
];

export interface FaultConfigOptions {
  type?: UpstreamType;
  health?: Record<string, unknown>;
  failover?: Record<string, unknown>;
  /** Replaces the `default` route (ordered pools by default). */
  defaultRoute?: unknown;
  loadBalancing?: Record<string, unknown>;
}

function baseUrl(fakeUrl: string, type: UpstreamType): string {
  return type === 'anthropic' ? fakeUrl : `${fakeUrl}/v1`;
}

export function faultConfig(fakeUrl: string, o: FaultConfigOptions = {}): Record<string, unknown> {
  const type = o.type ?? 'openai';
  const provider = (apiKey: string | string[], model: string) => ({ type, baseURL: baseUrl(fakeUrl, type), auth: { type: 'apikey', apiKey }, models: [model] });
  return {
    serverId: 'faults',
    httpserver: { host: '127.0.0.1', port: 0 },
    logging: { level: 'silent' },
    virtualrouter: {
      providers: {
        pa: provider('k-a', 'ma'),
        pb: provider('k-b', 'mb'),
        pc: provider('k-c', 'mc'),
        pk: provider(['k-good', 'k-bad'], 'mk'),
      },
      routing: { default: o.defaultRoute ?? ORDERED_POOLS, keys: ['pk.mk'] },
      health: { ...HEALTH, ...o.health },
      failover: { ...FAILOVER, ...o.failover },
      ...(o.loadBalancing ? { loadBalancing: o.loadBalancing } : {}),
    },
  };
}

export function startFaultHarness(o: FaultConfigOptions = {}): Promise<GatewayHarness> {
  return startHarness((u) => faultConfig(u, o));
}

// ---------------------------------------------------------------- manager state

export interface HealthEntry {
  providerKey: string;
  state: 'healthy' | 'cooling' | 'tripped' | 'half-open';
  reason?: string;
  failureCount: number;
  cooldownExpiresAt?: number;
  cooldownRemainingMs?: number;
}

export async function healthOf(h: GatewayHarness): Promise<Record<string, HealthEntry>> {
  const res = await fetch(`${h.gateway.url}/manager/state/health`);
  if (res.status !== 200) throw new Error(`/manager/state/health answered ${res.status}`);
  const body = (await res.json()) as { providers: HealthEntry[] };
  return Object.fromEntries(body.providers.map((p) => [p.providerKey, p]));
}

/** Clears the fake's rules and recordings and every key's health. */
export async function resetAll(h: GatewayHarness): Promise<void> {
  h.fake.reset();
  const res = await fetch(`${h.gateway.url}/manager/state/health/reset`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (res.status !== 200) throw new Error(`health reset answered ${res.status}`);
}

/** How many requests the fake got with this upstream API key. */
export function seenWithKey(h: GatewayHarness, apiKey: string): number {
  return h.fake.requests().filter((r) => r.apiKey === apiKey).length;
}

// ---------------------------------------------------------------- raw requests

export const PATH: Record<InboundKind, string> = { chat: '/v1/chat/completions', responses: '/v1/responses', anthropic: '/v1/messages' };
export const INBOUND: InboundKind[] = ['chat', 'responses', 'anthropic'];

export function requestBody(inbound: InboundKind, model: string, prompt: string, stream: boolean): Record<string, unknown> {
  if (inbound === 'chat') return { model, stream, messages: [{ role: 'user', content: prompt }] };
  if (inbound === 'responses') return { model, stream, input: prompt };
  return { model, stream, max_tokens: 256, messages: [{ role: 'user', content: prompt }] };
}

export interface SseEvent {
  event?: string;
  data: string;
  json?: Record<string, unknown>;
}

export function parseSse(text: string): SseEvent[] {
  const out: SseEvent[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split(/\r?\n/)) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
    }
    if (event === undefined && data.length === 0) continue;
    const e: SseEvent = { data: data.join('\n') };
    if (event !== undefined) e.event = event;
    try {
      const j = JSON.parse(e.data) as unknown;
      if (j !== null && typeof j === 'object' && !Array.isArray(j)) e.json = j as Record<string, unknown>;
    } catch {
      /* [DONE] and the like */
    }
    out.push(e);
  }
  return out;
}

export interface RawReply {
  status: number;
  headers: Headers;
  providerKey: string | null;
  attempts: number;
  raw: string;
  /** JSON body (non-streaming), else undefined. */
  json?: Record<string, unknown>;
  events: SseEvent[];
  /** The assistant text the client got. */
  text: string;
  /** The protocol's clean end marker was seen ([DONE], response.completed, message_stop; or a JSON body). */
  completed: boolean;
  /** The protocol's in-stream error event was seen. */
  streamError: boolean;
  ms: number;
}

/** Reads a nested field (`'choices', 0, 'delta'`) of parsed JSON; undefined on any miss. */
export function dig(v: unknown, ...path: Array<string | number>): unknown {
  let cur = v;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function textOf(inbound: InboundKind, r: { json?: Record<string, unknown>; events: SseEvent[] }): string {
  const j = r.json;
  if (j) {
    if (inbound === 'chat') return str(dig(j, 'choices', 0, 'message', 'content'));
    if (inbound === 'responses') {
      return list(j.output).flatMap((i) => (dig(i, 'type') === 'message' ? list(dig(i, 'content')).map((c) => str(dig(c, 'text'))) : [])).join('');
    }
    return list(j.content).map((b) => (dig(b, 'type') === 'text' ? str(dig(b, 'text')) : '')).join('');
  }
  let text = '';
  for (const e of r.events) {
    const d = e.json;
    if (!d) continue;
    if (inbound === 'chat') text += str(dig(d, 'choices', 0, 'delta', 'content'));
    else if (inbound === 'responses' && e.event === 'response.output_text.delta') text += str(d.delta);
    else if (inbound === 'anthropic' && e.event === 'content_block_delta' && dig(d, 'delta', 'type') === 'text_delta') text += str(dig(d, 'delta', 'text'));
  }
  return text;
}

function completedOf(inbound: InboundKind, events: SseEvent[]): boolean {
  if (inbound === 'chat') return events.some((e) => e.data === '[DONE]');
  if (inbound === 'responses') return events.some((e) => e.event === 'response.completed');
  return events.some((e) => e.event === 'message_stop');
}

function streamErrorOf(inbound: InboundKind, events: SseEvent[]): boolean {
  if (inbound === 'chat') return events.some((e) => e.json !== undefined && e.json.error != null);
  return events.some((e) => e.event === 'error');
}

export interface SendOptions {
  model?: string;
  prompt?: string;
  headers?: Record<string, string>;
}

/** One request over raw HTTP; the whole body is read (streams until the server ends them). */
export async function send(h: GatewayHarness, inbound: InboundKind, stream: boolean, o: SendOptions = {}): Promise<RawReply> {
  const started = performance.now();
  const res = await fetch(`${h.gateway.url}${PATH[inbound]}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...o.headers },
    body: JSON.stringify(requestBody(inbound, o.model ?? 'default', o.prompt ?? 'hello there', stream)),
  });
  const raw = await res.text();
  const ms = performance.now() - started;
  const isSse = (res.headers.get('content-type') ?? '').includes('text/event-stream');
  const events = isSse ? parseSse(raw) : [];
  let json: Record<string, unknown> | undefined;
  if (!isSse) {
    try {
      json = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
  }
  const view = { events, ...(json ? { json } : {}) };
  return {
    status: res.status,
    headers: res.headers,
    providerKey: res.headers.get('x-routecodex-provider-key'),
    attempts: Number(res.headers.get('x-routecodex-attempts') ?? 'NaN'),
    raw,
    ...(json ? { json } : {}),
    events,
    text: res.status === 200 ? textOf(inbound, view) : '',
    completed: isSse ? completedOf(inbound, events) : res.status === 200 && json !== undefined,
    streamError: isSse && streamErrorOf(inbound, events),
    ms,
  };
}

/** The error message of a non-2xx JSON body in any of the three protocols. */
export function errorMessage(r: RawReply): string {
  const e = (r.json?.error ?? {}) as { message?: unknown };
  return typeof e.message === 'string' ? e.message : '';
}

/** Asserts the error body has the shape of the client's protocol. */
export function isProtocolError(inbound: InboundKind, r: RawReply): boolean {
  if (!r.json) return false;
  if (inbound === 'anthropic') return r.json.type === 'error' && typeof errorMessage(r) === 'string' && errorMessage(r) !== '';
  return errorMessage(r) !== '';
}
