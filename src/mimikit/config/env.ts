/**
 * Environment variables over the merged config files, exactly the seed's list plus the LLM endpoint.
 * An empty variable counts as unset. Every invalid value is reported with the variable's name.
 */
import { ConfigError, type ConfigProblem } from '../../shared/config-file.js';
import { fieldSchemas } from './schema.js';
import type { z } from 'zod';

type Raw = Record<string, unknown>;

interface Override {
  variable: string;
  /** Config paths it sets, in order of application (a later variable wins). */
  paths: string[];
  schema: z.ZodType;
  /** Parses the text before the schema (numbers). */
  numeric?: boolean;
}

const MODEL_PATHS = {
  manager: 'manager.model',
  standard: 'worker.profiles.standard.model',
  specialist: 'worker.profiles.specialist.model',
};
const EFFORT_PATH = 'worker.profiles.specialist.modelReasoningEffort';

/** In application order: the general variables first, so the specific ones override them. */
export const ENV_OVERRIDES: readonly Override[] = [
  { variable: 'MIMIKIT_MODEL', paths: Object.values(MODEL_PATHS), schema: fieldSchemas.model },
  { variable: 'MIMIKIT_MANAGER_MODEL', paths: [MODEL_PATHS.manager], schema: fieldSchemas.model },
  { variable: 'MIMIKIT_WORKER_STANDARD_MODEL', paths: [MODEL_PATHS.standard], schema: fieldSchemas.model },
  { variable: 'MIMIKIT_WORKER_SPECIALIST_MODEL', paths: [MODEL_PATHS.specialist], schema: fieldSchemas.model },
  { variable: 'MIMIKIT_REASONING_EFFORT', paths: [EFFORT_PATH], schema: fieldSchemas.reasoningEffort },
  { variable: 'MIMIKIT_WORKER_SPECIALIST_REASONING_EFFORT', paths: [EFFORT_PATH], schema: fieldSchemas.reasoningEffort },
  { variable: 'MIMIKIT_MANAGER_PROMPT_MAX_TOKENS', paths: ['manager.prompt.maxTokens'], schema: fieldSchemas.promptMaxTokens, numeric: true },
  { variable: 'MIMIKIT_MANAGER_CREATE_TASK_DEBOUNCE_MS', paths: ['manager.taskCreate.debounceMs'], schema: fieldSchemas.debounceMs, numeric: true },
  { variable: 'MIMIKIT_LLM_BASE_URL', paths: ['llm.baseURL'], schema: fieldSchemas.baseURL },
  { variable: 'MIMIKIT_LLM_API_KEY', paths: ['llm.apiKey'], schema: fieldSchemas.apiKey },
];

/** Returns a copy of `config` with the variables applied; throws a ConfigError listing every bad variable. */
export function applyEnvOverrides(config: Raw, env: NodeJS.ProcessEnv): Raw {
  const out = structuredClone(config);
  const problems: ConfigProblem[] = [];
  for (const o of ENV_OVERRIDES) {
    const text = env[o.variable]?.trim();
    if (text === undefined || text === '') continue;
    const input = o.numeric ? (/^\d+$/.test(text) ? Number(text) : Number.NaN) : text;
    const parsed = o.schema.safeParse(input);
    if (!parsed.success) {
      const reason = o.numeric && Number.isNaN(input) ? 'expected a whole number' : parsed.error.issues.map((i) => i.message).join('; ');
      problems.push({ path: o.variable, message: `invalid value ${JSON.stringify(text)}: ${reason}` });
      continue;
    }
    for (const p of o.paths) setPath(out, p.split('.'), parsed.data);
  }
  if (problems.length > 0) throw new ConfigError('environment', problems);
  return out;
}

function setPath(target: Raw, keys: string[], value: unknown): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Raw;
  }
  const last = keys.at(-1);
  if (last !== undefined) node[last] = value;
}
