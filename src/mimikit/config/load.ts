/**
 * Configuration = `config/default.yaml`, then the user file (`--config`, else `<workDir>/config.yaml`
 * when present), deep-merged, then environment variables, then strict validation. Every problem is a
 * ConfigError naming its file (or variable) and key path.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, formatPath, readStructuredFile, type ConfigProblem } from '../../shared/config-file.js';
import { applyEnvOverrides } from './env.js';
import { HISTORICAL_KEYS, mimikitConfigSchema, type MimikitConfig } from './schema.js';

export const DEFAULT_CONFIG_PATH = fileURLToPath(new URL('../../../config/default.yaml', import.meta.url));

export interface LoadConfigOptions {
  workDir: string;
  /** `--config`: must exist. Relative paths resolve from the current directory. */
  configPath?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** For tests; the repo's `config/default.yaml` otherwise. */
  defaultsPath?: string;
}

type Raw = Record<string, unknown>;

export async function loadMimikitConfig(options: LoadConfigOptions): Promise<MimikitConfig> {
  const defaultsPath = options.defaultsPath ?? DEFAULT_CONFIG_PATH;
  const sources = [defaultsPath];
  let merged = await readConfigFile(defaultsPath);
  const userPath = options.configPath !== undefined ? path.resolve(options.configPath) : await existing(path.join(options.workDir, 'config.yaml'));
  if (userPath !== undefined) {
    merged = deepMerge(merged, await readConfigFile(userPath));
    sources.push(userPath);
  }
  const withEnv = applyEnvOverrides(merged, options.env);
  const parsed = mimikitConfigSchema.safeParse(withEnv);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.flatMap((issue): ConfigProblem[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'unknown key' }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
  throw new ConfigError(sources.join(' + '), problems);
}

/** Reads one file: a mapping (an empty file is `{}`), without historical keys. */
async function readConfigFile(file: string): Promise<Raw> {
  const value = (await readStructuredFile(file)) ?? {};
  if (!isPlainObject(value)) throw new ConfigError(file, [{ path: '', message: 'the file must hold a mapping of keys' }]);
  const problems = HISTORICAL_KEYS.filter((h) => hasPath(value, h.path.split('.'))).map((h) => ({
    path: h.path,
    message: `this key is no longer supported; use ${h.replacement}`,
  }));
  if (problems.length > 0) throw new ConfigError(file, problems);
  return value;
}

async function existing(file: string): Promise<string | undefined> {
  try {
    await fs.access(file);
    return file;
  } catch {
    return undefined;
  }
}

/** Mappings merge key by key; anything else in `over` replaces; `null` in `over` keeps the base value. */
export function deepMerge(base: Raw, over: Raw): Raw {
  const out: Raw = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === null || value === undefined) continue;
    const current = out[key];
    out[key] = isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value;
  }
  return out;
}

function hasPath(value: Raw, keys: string[]): boolean {
  let node: unknown = value;
  for (const key of keys) {
    if (!isPlainObject(node) || !Object.hasOwn(node, key)) return false;
    node = node[key];
  }
  return true;
}

function isPlainObject(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
