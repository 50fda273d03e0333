/**
 * Finds, reads and resolves the config: `--config`, else `ROUTECODEX_CONFIG`, else
 * `$ROUTECODEX_HOME/config.{json,yaml,yml}`, else zero-config from environment keys.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { interpolateEnv, parseWithSchema, readStructuredFile, ConfigError } from '../../shared/config-file.js';
import { configFromEnvironment } from './env-config.js';
import { resolveConfig } from './resolve.js';
import { configSchema } from './schema.js';
import type { ResolvedConfig } from './resolved.js';

export function routecodexHome(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.ROUTECODEX_HOME || path.join(os.homedir(), '.routecodex'));
}

export interface LoadConfigOptions {
  configPath?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** An already-parsed document (used by embedders and tests); skips file discovery. */
  document?: unknown;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(() => true, () => false);
}

export async function findConfigFile(options: LoadConfigOptions): Promise<string | undefined> {
  const env = options.env ?? process.env;
  if (options.configPath) return path.resolve(options.configPath);
  if (env.ROUTECODEX_CONFIG) return path.resolve(env.ROUTECODEX_CONFIG);
  const home = options.home ?? routecodexHome(env);
  for (const name of ['config.json', 'config.yaml', 'config.yml']) {
    const file = path.join(home, name);
    if (await exists(file)) return file;
  }
  return undefined;
}

export async function loadConfig(options: LoadConfigOptions = {}): Promise<ResolvedConfig> {
  const env = options.env ?? process.env;
  const home = options.home ?? routecodexHome(env);
  let source: string;
  let document: unknown;
  if (options.document !== undefined) {
    source = 'inline config';
    document = options.document;
  } else {
    const file = await findConfigFile({ ...options, env, home });
    if (file) {
      source = file;
      document = await readStructuredFile(file);
    } else {
      source = 'environment';
      document = configFromEnvironment(env);
    }
  }
  const { value, problems } = interpolateEnv(document, env);
  if (problems.length > 0) throw new ConfigError(source, problems);
  const config = parseWithSchema(configSchema, value, source);
  const authDir = path.join(home, 'auth');
  const tokenFiles = await fs.readdir(authDir).catch(() => [] as string[]);
  return resolveConfig({ config, source, authDir, tokenFiles });
}
