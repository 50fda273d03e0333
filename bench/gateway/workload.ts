/** The benchmark workload: the request each target gets per scenario, and RouteCodex's config. */
import type { BenchRequest } from './load.js';
import type { ScenarioId, TargetId } from './results.js';

const SYSTEM = 'You are a concise assistant. Answer in one short paragraph and never use lists.';
const USER = 'Explain in two sentences why a reverse proxy adds latency to every request it forwards.';

export function chat(model: string, stream: boolean): BenchRequest {
  const body = { model, messages: [{ role: 'system', content: SYSTEM }, { role: 'user', content: USER }], max_tokens: 256, temperature: 0.2, stream };
  return { path: '/v1/chat/completions', body: JSON.stringify(body) };
}

const ANTHROPIC_STREAM: BenchRequest = {
  path: '/v1/messages',
  body: JSON.stringify({ model: 'oa.gpt-bench', max_tokens: 256, system: SYSTEM, messages: [{ role: 'user', content: USER }], stream: true }),
};

/** What each target is sent per scenario (direct gets the body a proxy would forward). */
export const REQUESTS: Record<ScenarioId, Partial<Record<TargetId, BenchRequest>>> = {
  'chat-json': { direct: chat('gpt-bench', false), reference: chat('oa.gpt-bench', false), routecodex: chat('oa.gpt-bench', false) },
  'chat-stream': { direct: chat('gpt-bench', true), reference: chat('oa.gpt-bench', true), routecodex: chat('oa.gpt-bench', true) },
  'translated-stream': { routecodex: ANTHROPIC_STREAM },
};

export function routecodexConfig(fakeUrl: string): Record<string, unknown> {
  return {
    serverId: 'bench',
    httpserver: { host: '127.0.0.1', port: 0 },
    virtualrouter: {
      providers: {
        oa: { type: 'openai', baseURL: `${fakeUrl}/v1`, auth: { type: 'apikey', apiKey: 'k-oa' }, models: ['gpt-bench'] },
        an: { type: 'anthropic', baseURL: fakeUrl, auth: { type: 'apikey', apiKey: 'k-an' }, models: ['claude-bench'] },
      },
      routing: { default: ['oa.gpt-bench'] },
    },
    logging: { level: 'silent' },
  };
}
