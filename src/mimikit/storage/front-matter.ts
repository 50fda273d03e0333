/**
 * The text format of archives and traces: YAML front matter (gray-matter, with the `yaml` package as the
 * engine so timestamps stay strings) followed by `=== NAME ===` sections.
 */
import matter from 'gray-matter';
import YAML from 'yaml';

const engines = {
  yaml: {
    parse: (text: string): object => (YAML.parse(text) as object | null) ?? {},
    stringify: (data: object): string => YAML.stringify(data),
  },
};

export type FrontMatterValue = string | number | boolean | undefined;

/** Renders front matter (undefined values dropped) and the sections in order. */
export function renderDocument(data: Record<string, FrontMatterValue>, sections: ReadonlyArray<readonly [string, string]>): string {
  const defined = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
  // Always end with exactly one newline of our own, so a section text's own trailing newline survives.
  const body = `${sections.map(([name, text]) => `=== ${name} ===\n${text}`).join('\n\n')}\n`;
  return matter.stringify(body, defined, { engines });
}

export interface ParsedDocument {
  data: Record<string, unknown>;
  /** The text after the front matter. */
  body: string;
}

export function parseDocument(text: string): ParsedDocument {
  const parsed = matter(text, { engines }); // passing options also bypasses gray-matter's shared cache
  return { data: parsed.data, body: parsed.content };
}

/**
 * Splits a body into its sections. A section header inside a section's text is ambiguous by nature of the
 * format; the first header of each expected name, in order, wins.
 */
export function splitSections(body: string, names: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  let rest = body;
  let current: string | undefined;
  for (const name of names) {
    const header = `=== ${name} ===\n`;
    const at = current === undefined ? (rest.startsWith(header) ? 0 : -1) : rest.indexOf(`\n\n${header}`);
    if (at < 0) continue;
    if (current !== undefined) out[current] = rest.slice(0, at);
    rest = rest.slice(at + (current === undefined ? 0 : 2) + header.length);
    current = name;
  }
  if (current !== undefined) out[current] = rest.replace(/\n$/, '');
  return out;
}
