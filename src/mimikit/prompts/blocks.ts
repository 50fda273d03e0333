/**
 * Prompt data blocks: `<M:name>\n…\n</M:name>`, left out entirely when there is nothing to say.
 * Structured data is YAML with every string double-quoted (unambiguous for the model, one line per
 * value) and empty values dropped.
 */
import YAML from 'yaml';

export function block(name: string, content: string | null | undefined): string {
  const body = (content ?? '').replace(/^\n+|\s+$/g, '');
  if (body === '') return '';
  // Content must not end the block early: `</M:name>` inside it is written `<\/M:name>`.
  const closing = new RegExp(`</(M:${escapeRegExp(name)}\\s*>)`, 'gi');
  return `<M:${name}>\n${body.replace(closing, '<\\/$1')}\n</M:${name}>`;
}

export function yamlBlock(name: string, value: unknown): string {
  return block(name, toPromptYaml(value));
}

/** YAML for prompts ('' when the value is empty after dropping empty values). */
export function toPromptYaml(value: unknown): string {
  const pruned = prune(value);
  if (pruned === undefined) return '';
  return YAML.stringify(pruned, { defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 }).trimEnd();
}

/** Drops undefined, null, '', empty arrays and empty objects, recursively; undefined if nothing is left. */
function prune(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (Array.isArray(value)) {
    const items = value.map(prune).filter((v) => v !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const p = prune(v);
      if (p !== undefined) out[k] = p;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return undefined;
  return value;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
