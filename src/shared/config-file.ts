/**
 * Loading configuration files: JSON or YAML, `${ENV}` interpolation (a missing variable is an error that
 * names it and where it is used), and zod validation whose every issue is reported with its path.
 */
import fs from 'node:fs/promises';
import YAML from 'yaml';
import type { z } from 'zod';

export interface ConfigProblem {
  /** Dotted path inside the document, e.g. `virtualrouter.providers.openai.baseURL`. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ConfigProblem[],
  ) {
    super(`${source}: ${problems.length} problem(s)\n${problems.map((p) => `  - ${p.path || '(root)'}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** Reads a JSON or YAML file (by extension; YAML also accepts JSON). */
export async function readStructuredFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [{ path: '', message: code === 'ENOENT' ? 'file not found' : `cannot read file (${code ?? String(e)})` }]);
  }
  return parseStructuredText(text, file);
}

export function parseStructuredText(text: string, source: string): unknown {
  if (source.endsWith('.json')) {
    try {
      return JSON.parse(text);
    } catch (e) {
      throw new ConfigError(source, [{ path: '', message: `invalid JSON: ${(e as Error).message}` }]);
    }
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      source,
      doc.errors.map((err) => ({ path: '', message: `invalid YAML: ${err.message.split('\n')[0] ?? err.message}` })),
    );
  }
  return doc.toJS();
}

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string of a document. Missing variables are
 * returned as problems naming the variable and the path where it is used.
 */
export function interpolateEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  path: PropertyKey[] = [],
  problems: ConfigProblem[] = [],
): { value: unknown; problems: ConfigProblem[] } {
  const walk = (v: unknown, p: PropertyKey[]): unknown => {
    if (typeof v === 'string') {
      return v.replace(ENV_REF, (_m, name: string, fallback: string | undefined) => {
        const found = env[name];
        if (found !== undefined && found !== '') return found;
        if (fallback !== undefined) return fallback;
        problems.push({ path: formatPath(p), message: `environment variable ${name} is not set` });
        return '';
      });
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, [...p, i]));
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) out[k] = walk(item, [...p, k]);
      return out;
    }
    return v;
  };
  return { value: walk(value, path), problems };
}

export function zodProblems(error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** Validates with a zod schema, throwing a ConfigError that lists every issue with its path. */
export function parseWithSchema<S extends z.ZodType>(schema: S, value: unknown, source: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ConfigError(source, zodProblems(result.error));
  return result.data;
}
