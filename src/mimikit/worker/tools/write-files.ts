/** `write_file` and `edit_file`: change files inside the workspace or `generated/`. */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { displayPath, resolveToolPath } from './paths.js';
import { defineTool, toolError, toolOk } from './types.js';

const writeArgs = z
  .object({
    path: z.string().describe('Relative to the workspace, `generated/…` for files meant for the user, or absolute inside one of them.'),
    content: z.string().describe('The whole new content of the file.'),
  })
  .strict();

export const writeFileTool = defineTool(
  'write_file',
  'Create or overwrite a file (parent directories are created). Files for the user go under `generated/`.',
  writeArgs,
  async (args, ctx) => {
    const file = await resolveToolPath(ctx, args.path);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, args.content, 'utf8');
    return toolOk(`wrote ${Buffer.byteLength(args.content, 'utf8')} bytes to ${displayPath(ctx, file)}`);
  },
);

const editArgs = z
  .object({
    path: z.string().describe('The file to edit.'),
    old_text: z.string().min(1).describe('Text that occurs exactly once in the file.'),
    new_text: z.string().describe('Its replacement.'),
  })
  .strict();

function countOccurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

export const editFileTool = defineTool(
  'edit_file',
  'Replace one exact occurrence of old_text with new_text in a file. old_text must occur exactly once; add surrounding lines to make it unique.',
  editArgs,
  async (args, ctx) => {
    const file = await resolveToolPath(ctx, args.path);
    const shown = displayPath(ctx, file);
    const info = await stat(file);
    if (!info.isFile()) return toolError(`${shown} is not a regular file`);
    if (info.size > ctx.limits.maxEditBytes) return toolError(`${shown} is ${info.size} bytes, over the ${ctx.limits.maxEditBytes}-byte edit limit; use write_file or shell`);
    const text = await readFile(file, 'utf8');
    const count = countOccurrences(text, args.old_text);
    if (count !== 1) {
      return toolError(
        count === 0
          ? `old_text was not found in ${shown}; nothing changed`
          : `old_text occurs ${count} times in ${shown}; it must occur exactly once (include more context); nothing changed`,
      );
    }
    const at = text.indexOf(args.old_text);
    await writeFile(file, text.slice(0, at) + args.new_text + text.slice(at + args.old_text.length), 'utf8');
    return toolOk(`edited ${shown}: replaced 1 occurrence`);
  },
);
