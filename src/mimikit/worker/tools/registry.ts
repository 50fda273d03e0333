/** The tools a worker may call, by name; every failure becomes an error result the model sees. */
import { capText } from './output-cap.js';
import { editFileTool, writeFileTool } from './write-files.js';
import { fetchUrlTool } from './fetch-url.js';
import { listFilesTool } from './list-files.js';
import { readFileTool } from './read-file.js';
import { shellTool } from './shell.js';
import { ToolFailure, toolError, type Tool, type ToolContext, type ToolOutput, type ToolSpec } from './types.js';

const NOTE_ROOM_BYTES = 1_024;

export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();

  constructor(tools: readonly Tool[]) {
    for (const tool of tools) {
      if (this.tools.has(tool.spec.name)) throw new Error(`tool ${tool.spec.name} is registered twice`);
      this.tools.set(tool.spec.name, tool);
    }
  }

  specs(): ToolSpec[] {
    return [...this.tools.values()].map((t) => t.spec);
  }

  names(): string[] {
    return [...this.tools.keys()];
  }

  /** Runs one tool call from its raw JSON arguments; never throws. */
  async execute(name: string, rawArguments: string, ctx: ToolContext): Promise<ToolOutput> {
    const tool = this.tools.get(name);
    if (!tool) return toolError(`unknown tool ${JSON.stringify(name)}; available tools: ${this.names().join(', ')}`);
    let args: unknown;
    try {
      args = rawArguments.trim() === '' ? {} : JSON.parse(rawArguments);
    } catch (e) {
      return toolError(`the arguments of ${name} are not valid JSON (${(e as Error).message}): ${capText(rawArguments, 200)}`);
    }
    try {
      const out = await tool.run(args, ctx);
      // A safety net: each tool caps its own output, plus a little room for its notes.
      const cap = Math.max(ctx.limits.maxOutputBytes, ctx.limits.maxReadBytes) + NOTE_ROOM_BYTES;
      return { ok: out.ok, content: capText(out.content, cap) };
    } catch (e) {
      if (e instanceof ToolFailure) return toolError(e.message);
      const code = (e as NodeJS.ErrnoException).code;
      return toolError(`${name} failed: ${code ? `${code}: ` : ''}${(e as Error).message}`);
    }
  }
}

/** The standard worker tools: shell, read_file, write_file, edit_file, list_files, fetch_url. */
export function defaultToolRegistry(): ToolRegistry {
  return new ToolRegistry([shellTool, readFileTool, writeFileTool, editFileTool, listFilesTool, fetchUrlTool]);
}
