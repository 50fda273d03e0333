/**
 * Zero-config: with no config file, providers come from the usual environment variables. Each gives a
 * primary model (the `default` and `thinking` routes) and a light one (the `background` route).
 */
import type { ProviderType } from '../canonical/protocol-id.js';

interface EnvProvider {
  id: string;
  type: ProviderType;
  keyVar: string;
  baseVar: string;
  modelVar: string;
  baseURL: string;
  primary: string;
  light: string;
}

const ENV_PROVIDERS: EnvProvider[] = [
  { id: 'openai', type: 'openai', keyVar: 'OPENAI_API_KEY', baseVar: 'OPENAI_BASE_URL', modelVar: 'OPENAI_MODEL', baseURL: 'https://api.openai.com/v1', primary: 'gpt-4.1', light: 'gpt-4.1-mini' },
  { id: 'anthropic', type: 'anthropic', keyVar: 'ANTHROPIC_API_KEY', baseVar: 'ANTHROPIC_BASE_URL', modelVar: 'ANTHROPIC_MODEL', baseURL: 'https://api.anthropic.com', primary: 'claude-sonnet-4-5', light: 'claude-haiku-4-5' },
  { id: 'gemini', type: 'gemini', keyVar: 'GEMINI_API_KEY', baseVar: 'GEMINI_BASE_URL', modelVar: 'GEMINI_MODEL', baseURL: 'https://generativelanguage.googleapis.com/v1beta', primary: 'gemini-2.5-pro', light: 'gemini-2.5-flash' },
];

/** The environment variables zero-config reads, for messages that tell the user what to set. */
export const ZERO_CONFIG_VARIABLES = ENV_PROVIDERS.flatMap((p) => [p.keyVar, p.baseVar]);

/** A raw config document (validated later like a file) built from environment variables. */
export function configFromEnvironment(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const providers: Record<string, unknown> = {};
  const primary: string[] = [];
  const light: string[] = [];
  for (const p of ENV_PROVIDERS) {
    const key = env[p.keyVar];
    const base = env[p.baseVar];
    // A base URL alone (a local OpenAI-compatible server) is enough: it gets no auth.
    if (!key && !base) continue;
    const model = env[p.modelVar] || p.primary;
    const models = model === p.light ? [model] : [model, p.light];
    providers[p.id] = {
      type: p.type,
      baseURL: base || p.baseURL,
      auth: key ? { type: 'apikey', apiKey: key } : { type: 'none' },
      models,
    };
    primary.push(`${p.id}.${model}`);
    light.push(`${p.id}.${models[models.length - 1]}`);
  }
  const routing: Record<string, string[]> = {};
  if (primary.length > 0) {
    routing.default = primary;
    routing.thinking = primary;
    routing.background = light;
  }
  const doc: Record<string, unknown> = { virtualrouter: { providers, routing } };
  if (env.ROUTECODEX_API_KEY) doc.httpserver = { apiKeys: [env.ROUTECODEX_API_KEY] };
  return doc;
}
