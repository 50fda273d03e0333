/**
 * Categorizes an assistant tool call (name + JSON arguments) as write / read / search / other. Editing
 * tools write; shell tools are judged by the command they run (see shell-signals.ts). Arguments that are
 * not valid JSON are tolerated: a truncated object still yields its `command` string when one can be
 * salvaged, and plain text is taken as the command itself.
 */
import { categorizeArgv, categorizeScript } from './shell-signals.js';
import type { ToolCategory } from './types.js';

const WRITE_TOOLS = new Set(['apply_patch', 'edit', 'multi_edit', 'write', 'write_file', 'create_file', 'edit_file', 'notebook_edit', 'edit_notebook']);
const READ_TOOLS = new Set(['read', 'read_file', 'read_many_files', 'view', 'view_file', 'open_file', 'notebook_read']);
const SEARCH_TOOLS = new Set(['grep', 'glob', 'ls', 'list_dir', 'list_directory', 'list_files', 'find', 'find_files', 'search_files', 'file_search', 'codebase_search']);
const SHELL_TOOLS = new Set(['exec', 'execute', 'execute_command', 'run', 'run_command', 'run_terminal_cmd', 'run_terminal_command', 'command']);
const SHELL_NAME = /(^|_)(shell|bash|sh|zsh|terminal|exec)(_|$)/;

/** `functions.MultiEdit` → `multi_edit`; `mcp__fs__write_file` → `write_file`. */
export function normalizeToolName(name: string): string {
  const last = name.split(/__|[./:]/).pop() ?? name;
  return last
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

export type ShellCommand = { kind: 'script'; script: string } | { kind: 'argv'; argv: string[] };

function fromValue(value: unknown): ShellCommand | undefined {
  if (typeof value === 'string') return { kind: 'script', script: value };
  if (Array.isArray(value) && value.length > 0 && value.every((v): v is string => typeof v === 'string')) return { kind: 'argv', argv: value };
  return undefined;
}

function fromObject(obj: Record<string, unknown>): ShellCommand | undefined {
  for (const key of ['command', 'cmd', 'script']) {
    const found = fromValue(obj[key]);
    if (found) return found;
  }
  return undefined;
}

/** Salvages `"command": "…"` from a truncated JSON object. */
function salvageCommand(text: string): ShellCommand | undefined {
  const m = /"(?:command|cmd)"\s*:\s*"((?:[^"\\]|\\.)*)/.exec(text);
  if (!m) return undefined;
  const raw = m[1] ?? '';
  try {
    return { kind: 'script', script: JSON.parse(`"${raw}"`) as string };
  } catch {
    return { kind: 'script', script: raw };
  }
}

/** The command a shell tool call runs: a `command`/`cmd` string or argv array, or the raw text. */
export function commandOfArguments(args: string): ShellCommand | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    const trimmed = args.trim();
    if (trimmed === '') return undefined;
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) return salvageCommand(trimmed);
    return { kind: 'script', script: trimmed };
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return fromObject(parsed as Record<string, unknown>);
  return fromValue(parsed);
}

function categorizeCommand(args: string): ToolCategory {
  const command = commandOfArguments(args);
  if (!command) return 'other';
  return command.kind === 'script' ? categorizeScript(command.script) : categorizeArgv(command.argv);
}

/** The `str_replace_based_edit_tool` family also views files: `command: "view"` is a read. */
function isViewCommand(args: string): boolean {
  try {
    const parsed: unknown = JSON.parse(args);
    return parsed !== null && typeof parsed === 'object' && (parsed as Record<string, unknown>)['command'] === 'view';
  } catch {
    return false;
  }
}

export function isShellToolName(normalized: string): boolean {
  return SHELL_TOOLS.has(normalized) || SHELL_NAME.test(normalized);
}

export function categorizeToolCall(name: string, args: string): ToolCategory {
  const n = normalizeToolName(name);
  if (n.startsWith('str_replace')) return isViewCommand(args) ? 'read' : 'write';
  if (WRITE_TOOLS.has(n)) return 'write';
  if (isShellToolName(n)) return categorizeCommand(args);
  if (READ_TOOLS.has(n)) return 'read';
  if (SEARCH_TOOLS.has(n)) return 'search';
  return 'other';
}
