export { DEFAULT_CONFIG_PATH, deepMerge, loadMimikitConfig, type LoadConfigOptions } from './load.js';
export { ENV_OVERRIDES, applyEnvOverrides } from './env.js';
export { HISTORICAL_KEYS, fieldSchemas, mimikitConfigSchema, type MimikitConfig, type ReasoningEffort } from './schema.js';
