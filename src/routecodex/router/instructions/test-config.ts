/** A resolved config for the instruction tests: dotted model names, named and numbered key aliases. */
import { resolveConfig } from '../../config/resolve.js';
import type { ProviderKeySpec, ResolvedConfig } from '../../config/resolved.js';
import { configSchema } from '../../config/schema.js';
import { emptySessionState, type SessionRoutingState } from '../session/state.js';
import { catalogFromConfig } from './catalog.js';

export const config: ResolvedConfig = resolveConfig({
  config: configSchema.parse({
    virtualrouter: {
      providers: {
        // Aliases key1, key2 and gpt-4: `openai.gpt-4.1` must read as the model, not alias gpt-4 + model "1".
        openai: { type: 'openai', baseURL: 'https://api.openai.com/v1', auth: { type: 'apikey', keys: { key1: 'a', key2: 'b', 'gpt-4': 'c' } }, models: ['gpt-4.1', 'gpt-4o', '1'] },
        claude: { type: 'anthropic', baseURL: 'https://api.anthropic.com', auth: { type: 'apikey', keys: { main: 'd' } }, models: ['claude-sonnet-4-5', 'claude-opus-4-1'] },
        // A model named "2": `qwen.2` is that model, not key index 2.
        qwen: { type: 'openai', baseURL: 'https://portal.qwen.ai/v1', auth: { type: 'apikey', apiKey: ['e', 'f'] }, models: ['qwen3-coder-plus', '2'] },
      },
      routing: { default: ['openai.gpt-4.1'] },
    },
  }),
  source: 'test',
  authDir: '/nonexistent',
  tokenFiles: [],
});

export const catalog = catalogFromConfig(config);

export function spec(providerKey: string): ProviderKeySpec {
  const found = config.providerKeys.get(providerKey);
  if (!found) throw new Error(`no providerKey ${providerKey}`);
  return found;
}

export const ALL_KEYS: readonly ProviderKeySpec[] = [...config.providerKeys.values()];

export const NOW = 1_700_000_000_000;
export const fresh = (): SessionRoutingState => emptySessionState('s1', NOW - 1000);
