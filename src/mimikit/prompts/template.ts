/**
 * The prompt template language: `{key}` placeholders (missing → empty), nestable
 * `{#if key}…{#else}…{/if}`, and `{#include path}` (inside the prompts root only, cycles rejected).
 * A directive alone on its line takes the whole line, so conditionals leave no blank lines behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export type TemplateValue = string | number | boolean | readonly string[] | null | undefined;
export type TemplateVars = Readonly<Record<string, TemplateValue>>;

export interface RenderOptions {
  /** The prompts root: includes resolve inside it and may not leave it. */
  includeDir: string;
  /** Names the template in errors. */
  sourceName?: string;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

/** The repo's `prompts/` directory. */
export const PROMPTS_DIR = fileURLToPath(new URL('../../../prompts/', import.meta.url));

type Node = { kind: 'text'; text: string } | { kind: 'var'; key: string } | { kind: 'if'; key: string; then: Node[]; else: Node[] };

const DIRECTIVE = /\{(?:([A-Za-z_][A-Za-z0-9_]*)|#if\s+([A-Za-z_][A-Za-z0-9_]*)|(#else)|(\/if)|#include\s+([^\s}]+)|([#/][^}]*))\}/g;

export function renderTemplate(source: string, vars: TemplateVars, options: RenderOptions): string {
  const root = realDir(options.includeDir);
  const nodes = parse(source, options.sourceName ?? '(template)', root, []);
  return render(nodes, vars);
}

/** `true`: a non-blank string, a non-empty array, `true`, or a finite number. */
export function isTruthy(value: TemplateValue): boolean {
  if (typeof value === 'string') return value.trim() !== '';
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value);
  return Array.isArray(value) && value.length > 0;
}

/** Reads `prompts/<name>` (`.md` added when there is no extension); cached, re-read when the file changes. */
export function loadTemplate(name: string, promptsDir: string = PROMPTS_DIR): string {
  const file = resolveInside(realDir(promptsDir), path.extname(name) ? name : `${name}.md`, name);
  return readCached(file);
}

/** `loadTemplate` + `renderTemplate` with the repo's prompts root. */
export function renderPrompt(name: string, vars: TemplateVars, promptsDir: string = PROMPTS_DIR): string {
  return renderTemplate(loadTemplate(name, promptsDir), vars, { includeDir: promptsDir, sourceName: name });
}

function render(nodes: readonly Node[], vars: TemplateVars): string {
  let out = '';
  for (const node of nodes) {
    if (node.kind === 'text') out += node.text;
    else if (node.kind === 'var') out += format(vars[node.key]);
    else out += render(isTruthy(vars[node.key]) ? node.then : node.else, vars);
  }
  return out;
}

function format(value: TemplateValue): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join('\n');
  return String(value);
}

interface OpenIf {
  node: Extract<Node, { kind: 'if' }>;
  inElse: boolean;
  line: number;
}

function parse(source: string, name: string, root: string, stack: readonly string[]): Node[] {
  const top: Node[] = [];
  const open: OpenIf[] = [];
  const target = (): Node[] => {
    const o = open.at(-1);
    return o ? (o.inElse ? o.node.else : o.node.then) : top;
  };
  let pos = 0;
  for (const m of source.matchAll(DIRECTIVE)) {
    const [start, end] = directiveSpan(source, m.index, m.index + m[0].length, m[1] === undefined && m[5] === undefined);
    if (start > pos) target().push({ kind: 'text', text: source.slice(pos, start) });
    pos = end;
    const where = () => `${name}:${lineOf(source, m.index)}`;
    if (m[1] !== undefined) target().push({ kind: 'var', key: m[1] });
    else if (m[2] !== undefined) {
      const node: OpenIf['node'] = { kind: 'if', key: m[2], then: [], else: [] };
      target().push(node);
      open.push({ node, inElse: false, line: lineOf(source, m.index) });
    } else if (m[3] !== undefined) {
      const o = open.at(-1);
      if (!o || o.inElse) throw new TemplateError(`${where()}: {#else} without a matching {#if}`);
      o.inElse = true;
    } else if (m[4] !== undefined) {
      if (!open.pop()) throw new TemplateError(`${where()}: {/if} without a matching {#if}`);
    } else if (m[5] !== undefined) {
      target().push(...parseInclude(m[5], where(), root, stack));
    } else {
      throw new TemplateError(`${where()}: unknown directive ${m[0]}`);
    }
  }
  if (pos < source.length) target().push({ kind: 'text', text: source.slice(pos) });
  const unclosed = open.at(-1);
  if (unclosed) throw new TemplateError(`${name}:${unclosed.line}: {#if ${unclosed.node.key}} is never closed with {/if}`);
  return top;
}

function parseInclude(ref: string, where: string, root: string, stack: readonly string[]): Node[] {
  if (path.isAbsolute(ref)) throw new TemplateError(`${where}: {#include ${ref}} must be a path relative to the prompts root`);
  const file = resolveInside(root, ref, where);
  if (stack.includes(file)) throw new TemplateError(`${where}: include cycle: ${[...stack, file].map((f) => path.relative(root, f)).join(' → ')}`);
  const text = readCached(file).replace(/\r?\n$/, '');
  return parse(text, path.relative(root, file), root, [...stack, file]);
}

/** A block directive alone on its line (spaces around it allowed) covers the whole line. */
function directiveSpan(source: string, start: number, end: number, isBlock: boolean): [number, number] {
  if (!isBlock) return [start, end];
  const lineStart = source.lastIndexOf('\n', start - 1) + 1;
  const nl = source.indexOf('\n', end);
  const lineEnd = nl === -1 ? source.length : nl;
  if (source.slice(lineStart, start).trim() !== '' || source.slice(end, lineEnd).trim() !== '') return [start, end];
  return [lineStart, nl === -1 ? lineEnd : nl + 1];
}

function lineOf(source: string, index: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < index; i = source.indexOf('\n', i + 1)) line++;
  return line;
}

function realDir(dir: string): string {
  try {
    return fs.realpathSync(dir);
  } catch {
    throw new TemplateError(`prompts directory not found: ${dir}`);
  }
}

/** Resolves `ref` under `root`, also after following symlinks; anything outside the root is an error. */
function resolveInside(root: string, ref: string, where: string): string {
  const outside = (file: string) => {
    const rel = path.relative(root, file);
    return rel === '' || rel.split(path.sep)[0] === '..' || path.isAbsolute(rel);
  };
  const lexical = path.resolve(root, ref);
  if (outside(lexical)) throw new TemplateError(`${where}: ${ref} is outside the prompts directory`);
  let file: string;
  try {
    file = fs.realpathSync(lexical);
  } catch {
    throw new TemplateError(`${where}: template not found: ${ref}`);
  }
  if (outside(file)) throw new TemplateError(`${where}: ${ref} is outside the prompts directory`);
  return file;
}

const cache = new Map<string, { mtimeMs: number; size: number; text: string }>();

function readCached(file: string): string {
  const stat = fs.statSync(file);
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === stat.mtimeMs && hit.size === stat.size) return hit.text;
  const text = fs.readFileSync(file, 'utf8');
  cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, text });
  return text;
}
