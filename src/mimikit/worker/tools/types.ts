/** What a worker tool is: a spec the model sees, and a function that turns arguments into an output. */
import { z } from 'zod';
import type { ToolSpec } from '../../llm/types.js';

export type { ToolSpec };

/** Caps that keep one tool call from flooding the model or running away. */
export interface ToolLimits {
  /** Cap of a tool's output text (shell output keeps its head and tail). */
  maxOutputBytes: number;
  /** Cap of what `read_file` returns. */
  maxReadBytes: number;
  /** Cap of the file `edit_file` loads. */
  maxEditBytes: number;
  /** Cap of the entries `list_files` returns. */
  maxListEntries: number;
  /** Shell timeout when the call sets none. */
  shellTimeoutMs: number;
  /** Largest shell timeout a call may ask for. */
  shellMaxTimeoutMs: number;
  /** After SIGTERM on a timeout, how long the process group has before SIGKILL. */
  killGraceMs: number;
  fetchTimeoutMs: number;
  /** Default and largest `max_bytes` of `fetch_url`. */
  fetchMaxBytes: number;
}

export const DEFAULT_TOOL_LIMITS: ToolLimits = {
  maxOutputBytes: 32_000,
  maxReadBytes: 64_000,
  maxEditBytes: 2_000_000,
  maxListEntries: 1_000,
  shellTimeoutMs: 120_000,
  shellMaxTimeoutMs: 1_800_000,
  killGraceMs: 2_000,
  fetchTimeoutMs: 30_000,
  fetchMaxBytes: 200_000,
};

/**
 * A process group the shell tool started, put on record (progress event `tool_process`) before the command
 * may run, so a runtime that crashed can find and end it at start-up. `startTime` (ticks since boot, field 22
 * of `/proc/<pid>/stat`) and `bootId` tell the process apart from a later one with a reused pid; both are
 * absent where `/proc` is not available (only the weaker pgid + command check is left then).
 */
export type ToolProcessRecord = {
  pid: number;
  pgid: number;
  startTime?: number;
  bootId?: string;
  /** The command (its first `COMMAND_RECORD_CHARS` characters). */
  command: string;
};

export const COMMAND_RECORD_CHARS = 1_000;

/** What a tool reports about the processes it runs: `tool_process` when started, `tool_process_end` once its group is gone. */
export type ToolProcessEvent =
  | { type: 'tool_process'; payload: ToolProcessRecord }
  | { type: 'tool_process_end'; payload: { pgid: number; reason?: string } };

export interface ToolContext {
  /** The state directory (absolute). */
  workDir: string;
  /** The worker's working directory: shell cwd and base of relative paths. */
  workspaceDir: string;
  /** Files produced for the user (served at `/artifacts/`). */
  generatedDir: string;
  /** Aborted when the task is canceled, timed out or the pool stops. */
  signal: AbortSignal;
  limits: ToolLimits;
  /**
   * The task's progress sink for process records. Resolves once the event is written; a `tool_process`
   * that cannot be written keeps the command from running. Without it, commands run unrecorded.
   */
  progress?: (event: ToolProcessEvent) => Promise<void>;
}

/** What the model gets back; `ok: false` is an error the model sees, never an exception. */
export interface ToolOutput {
  ok: boolean;
  content: string;
}

export interface Tool {
  spec: ToolSpec;
  run(args: unknown, ctx: ToolContext): Promise<ToolOutput>;
}

export const toolOk = (content: string): ToolOutput => ({ ok: true, content });
export const toolError = (content: string): ToolOutput => ({ ok: false, content });

/** Thrown inside a tool for an expected failure; the registry turns it into an error result. */
export class ToolFailure extends Error {
  override name = 'ToolFailure';
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(arguments)'}: ${i.message}`).join('; ');
}

/**
 * Builds a tool from a zod schema: the JSON Schema the model sees is derived from it, and the
 * arguments are validated before `run` sees them.
 */
export function defineTool<S extends z.ZodType>(
  name: string,
  description: string,
  schema: S,
  run: (args: z.infer<S>, ctx: ToolContext) => Promise<ToolOutput>,
): Tool {
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(schema) as Record<string, unknown>;
  return {
    spec: { name, description, parameters },
    async run(args, ctx) {
      const parsed = schema.safeParse(args);
      if (!parsed.success) return toolError(`invalid arguments for ${name}: ${describeIssues(parsed.error)}`);
      return run(parsed.data, ctx);
    },
  };
}
