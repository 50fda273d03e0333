/**
 * The lines of `health.jsonl`: a snapshot of every retained record, single record writes and removals,
 * and provider-error events. Each line is validated on read; one that fails is reported and skipped.
 */
import { z } from 'zod';
import type { Logger } from '../../../../shared/logger.js';
import { readJsonLines } from '../../../../shared/jsonl.js';
import type { ProviderErrorEvent, ProviderHealthRecord } from '../../../router/health/types.js';
import { mergeHealth } from '../health-merge.js';
import { providerErrorEventSchema, providerHealthRecordSchema } from '../health-schema.js';

export const healthLineSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('snapshot'), at: z.number(), records: z.array(providerHealthRecordSchema) }),
  z.object({ kind: z.literal('record'), at: z.number(), record: providerHealthRecordSchema }),
  z.object({ kind: z.literal('remove'), at: z.number(), providerKey: z.string().min(1) }),
  z.object({ kind: z.literal('event'), at: z.number(), event: providerErrorEventSchema }),
]);
export type HealthLine = z.infer<typeof healthLineSchema>;

/** What a read of the whole file yields: the state after the last valid snapshot, and every event. */
export interface HealthFileContent {
  records: Map<string, ProviderHealthRecord>;
  events: ProviderErrorEvent[];
  /** Lines skipped as torn, unparseable or invalid. */
  skipped: number;
}

/** Reads `file` line by line: the last valid snapshot, then the record/remove lines after it; all events. */
export async function readHealthFile(file: string, logger: Logger): Promise<HealthFileContent> {
  const records = new Map<string, ProviderHealthRecord>();
  const events: ProviderErrorEvent[] = [];
  let skipped = 0;
  let index = 0;
  const onCorrupt = (info: { line: number; preview: string; error: string }) => {
    skipped++;
    logger.warn({ file, line: info.line, preview: info.preview, error: info.error }, 'health.jsonl: skipped a torn or unparseable line');
  };
  for await (const raw of readJsonLines(file, onCorrupt)) {
    const jsonLine = index++;
    const parsed = healthLineSchema.safeParse(raw);
    if (!parsed.success) {
      skipped++;
      const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(line)'}: ${i.message}`);
      logger.warn({ file, jsonLine, issues }, 'health.jsonl: skipped a line that does not match the schema');
      continue;
    }
    const value = parsed.data;
    switch (value.kind) {
      case 'snapshot':
        records.clear();
        for (const r of value.records) records.set(r.providerKey, r);
        break;
      case 'record':
        // As in Redis: a save never shortens a cooldown still running when it was written.
        records.set(value.record.providerKey, mergeHealth(records.get(value.record.providerKey), value.record, value.at));
        break;
      case 'remove':
        records.delete(value.providerKey);
        break;
      case 'event':
        events.push(value.event);
        break;
    }
  }
  return { records, events, skipped };
}
