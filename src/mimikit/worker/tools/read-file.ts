/** `read_file`: lines of a text file inside the workspace or `generated/`, capped. */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { displayPath, resolveToolPath } from './paths.js';
import { defineTool, toolError, toolOk } from './types.js';

const argsSchema = z
  .object({
    path: z.string().describe('Relative to the workspace, `generated/…`, or absolute inside one of them.'),
    offset: z.number().int().min(1).optional().describe('First line to return (1-based, default 1).'),
    limit: z.number().int().min(1).optional().describe('How many lines to return (default: as many as fit the cap).'),
  })
  .strict();

async function looksBinary(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const probe = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(probe, 0, probe.length, 0);
    return probe.subarray(0, bytesRead).includes(0);
  } finally {
    await handle.close();
  }
}

export const readFileTool = defineTool(
  'read_file',
  'Read a text file. Paths are relative to the workspace; `generated/…` names the directory of files for the user. ' +
    'Use offset/limit (lines) to read a long file in parts.',
  argsSchema,
  async (args, ctx) => {
    const file = await resolveToolPath(ctx, args.path);
    const shown = displayPath(ctx, file);
    const info = await stat(file);
    if (info.isDirectory()) return toolError(`${shown} is a directory; use list_files`);
    if (await looksBinary(file)) return toolError(`${shown} is a binary file (${info.size} bytes); not shown`);
    const first = args.offset ?? 1;
    const last = args.limit === undefined ? Number.POSITIVE_INFINITY : first + args.limit - 1;
    const lines: string[] = [];
    let bytes = 0;
    let lineNo = 0;
    let stoppedAt: number | undefined;
    const reader = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Number.POSITIVE_INFINITY });
    try {
      for await (const line of reader) {
        lineNo += 1;
        if (lineNo < first) continue;
        if (lineNo > last) break;
        const size = Buffer.byteLength(line, 'utf8') + 1;
        if (bytes + size > ctx.limits.maxReadBytes) {
          // A single line longer than the cap is shown cut, so that the next offset moves on.
          if (lines.length === 0) {
            lines.push(`${Buffer.from(line, 'utf8').subarray(0, ctx.limits.maxReadBytes).toString('utf8')} … [line ${lineNo} cut]`);
            stoppedAt = lineNo + 1;
          } else {
            stoppedAt = lineNo;
          }
          break;
        }
        lines.push(line);
        bytes += size;
      }
    } finally {
      reader.close();
    }
    if (lineNo < first && lines.length === 0 && first > 1) return toolError(`${shown} has only ${lineNo} lines; offset ${first} is past its end`);
    let text = lines.join('\n');
    if (stoppedAt !== undefined) {
      text += `\n… [output capped at ${ctx.limits.maxReadBytes} bytes; continue with offset=${stoppedAt}]`;
    }
    return toolOk(text);
  },
);
