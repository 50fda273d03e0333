/**
 * Reads a JSONL file record by record and keeps only the records that pass a zod schema. Torn or corrupt
 * lines (bad JSON) and records that fail the schema are both skipped and reported, never fatal.
 */
import type { z } from 'zod';
import { readJsonLines, type CorruptLine, type CorruptLineHandler } from '../../shared/jsonl.js';

export type { CorruptLine, CorruptLineHandler };

/** A record refused before it was written (it would fail its schema when read back). */
export class StorageValidationError extends Error {
  override name = 'StorageValidationError';
}

/** Validates a record before it is written; throws `StorageValidationError` naming `what` and the issues. */
export function validateForWrite<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StorageValidationError(`refusing to write invalid ${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/** Formats the first few zod issues as `path: message`. */
export function describeIssues(error: z.ZodError, max = 3): string {
  return error.issues
    .slice(0, max)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/**
 * Yields the records of `file` that pass `schema`, in file order. `line` in a report is the record's
 * position among parseable records for a schema failure, and the count of records before it for bad JSON.
 */
export async function* readValidLines<T>(file: string, schema: z.ZodType<T>, onCorrupt?: CorruptLineHandler): AsyncGenerator<T> {
  let index = 0;
  for await (const raw of readJsonLines(file, onCorrupt)) {
    const parsed = schema.safeParse(raw);
    if (parsed.success) yield parsed.data;
    else onCorrupt?.({ file, line: index, preview: JSON.stringify(raw).slice(0, 120), error: `schema: ${describeIssues(parsed.error)}` });
    index++;
  }
}

export async function readAllValidLines<T>(file: string, schema: z.ZodType<T>, onCorrupt?: CorruptLineHandler): Promise<T[]> {
  const out: T[] = [];
  for await (const record of readValidLines(file, schema, onCorrupt)) out.push(record);
  return out;
}
