/** Reading a work dir's raw files in tests (every line, duplicates included). */
import fs from 'node:fs/promises';
import path from 'node:path';
import { historyMessageSchema, type HistoryMessage } from '../../src/mimikit/model/index.js';
import type { Harness } from './harness.js';

export async function historyLines(workDir: string): Promise<HistoryMessage[]> {
  const dir = path.join(workDir, 'history');
  const out: HistoryMessage[] = [];
  for (const name of (await fs.readdir(dir)).filter((n) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(n)).sort()) {
    for (const line of (await fs.readFile(path.join(dir, name), 'utf8')).split('\n')) {
      if (line.trim() === '') continue;
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        continue; // a torn line
      }
      const parsed = historyMessageSchema.safeParse(raw);
      if (parsed.success) out.push(parsed.data);
    }
  }
  return out;
}

/** Worker model requests (their user message is the task prompt) containing `marker`. */
export function workerRequests(h: Harness, marker: string): unknown[] {
  return h.fake.requests().filter((r) => {
    const messages = (r.body as { messages: Array<{ role: string; content: string | null }> }).messages;
    return !(messages[0]?.content ?? '').startsWith('You are mimikit') && (messages[1]?.content ?? '').includes(marker);
  });
}
