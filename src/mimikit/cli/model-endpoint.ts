/**
 * Where model calls go: `llm.baseURL` (config, or MIMIKIT_LLM_BASE_URL) with `llm.apiKey`, else an
 * EMBEDDED RouteCodex on a free loopback port, configured from its own config file / environment keys.
 * RouteCodex is loaded only in that case (importing it costs about a second of start-up).
 */
import type { Logger } from '../../shared/logger.js';
import type { RouteCodexServer } from '../../routecodex/index.js';
import type { MimikitConfig } from '../config/index.js';
import { LlmClient } from '../llm/client.js';

export interface ModelEndpoint {
  client: LlmClient;
  baseURL: string;
  source: 'config' | 'embedded';
  /** False when the embedded RouteCodex has no provider: model calls will fail until one is set. */
  configured: boolean;
  /** When not configured: what the user can do about it (one paragraph). */
  hint?: string;
  close(): Promise<void>;
}

export const noProviderHint = (routeCodexVariables: readonly string[]) =>
  `No model provider is configured. Set MIMIKIT_LLM_BASE_URL (and MIMIKIT_LLM_API_KEY) or llm.baseURL in config.yaml to use an ` +
  `OpenAI-compatible endpoint, or give the embedded RouteCodex a provider: ${routeCodexVariables.join(', ')}, or $ROUTECODEX_HOME/config.yaml. Then restart.`;

export async function openModelEndpoint(config: MimikitConfig, env: NodeJS.ProcessEnv, logger: Logger): Promise<ModelEndpoint> {
  if (config.llm.baseURL) {
    const client = new LlmClient({ baseURL: config.llm.baseURL, ...(config.llm.apiKey ? { apiKey: config.llm.apiKey } : {}) });
    return { client, baseURL: config.llm.baseURL, source: 'config', configured: true, close: () => client.close() };
  }
  const { startRouteCodex, ZERO_CONFIG_VARIABLES } = await import('../../routecodex/index.js');
  const gateway: RouteCodexServer = await startRouteCodex({ host: '127.0.0.1', port: 0, env, logger: logger.child({ component: 'routecodex' }) });
  const baseURL = `${gateway.url}/v1`;
  const client = new LlmClient({ baseURL });
  return {
    client,
    baseURL,
    source: 'embedded',
    configured: gateway.config.configured,
    ...(gateway.config.configured ? {} : { hint: noProviderHint(ZERO_CONFIG_VARIABLES) }),
    async close() {
      await client.close();
      await gateway.close();
    },
  };
}
