/**
 * The config as the token tools need it: validated, but not resolved — resolving demands a token file
 * for every OAuth provider, and the first login is exactly what creates one.
 */
import { configFromEnvironment } from '../../config/env-config.js';
import { findConfigFile } from '../../config/load.js';
import { configSchema, type RouteCodexConfig } from '../../config/schema.js';
import { ConfigError, interpolateEnv, parseWithSchema, readStructuredFile } from '../../../shared/config-file.js';

export interface TokenConfigSource {
  config: RouteCodexConfig;
  /** The config file, or `environment`. */
  source: string;
}

export async function loadTokenConfig(options: { configPath?: string; env: NodeJS.ProcessEnv; home: string }): Promise<TokenConfigSource> {
  const file = await findConfigFile({ ...(options.configPath ? { configPath: options.configPath } : {}), env: options.env, home: options.home });
  const source = file ?? 'environment';
  const document = file ? await readStructuredFile(file) : configFromEnvironment(options.env);
  const { value, problems } = interpolateEnv(document, options.env);
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { config: parseWithSchema(configSchema, value, source), source };
}
