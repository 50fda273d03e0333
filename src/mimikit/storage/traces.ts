/**
 * One file per model call: `traces/YYYY-MM-DD/<ts36><r><a>.txt`. ts36 = the call's ms timestamp in base36,
 * left-padded to 9; r = `m` manager | `w` worker; a = `p` primary | `f` feedback/correction | `n` normal.
 * Two calls in the same millisecond get `-1`, `-2`, … (a trace is never overwritten).
 */
import type { TokenUsage } from '../model/index.js';
import { assertTaskId, type StatePaths } from './paths.js';
import { renderDocument } from './front-matter.js';
import { candidateNames, writeFileExclusive } from './exclusive-write.js';

export type TraceRole = 'manager' | 'worker';
export type TraceAttempt = 'primary' | 'feedback' | 'normal';

export interface TraceRecord {
  /** When the call started (ms since epoch). */
  timestamp: number;
  role: TraceRole;
  attempt: TraceAttempt;
  model: string;
  taskId?: string;
  sessionId: string;
  ok: boolean;
  elapsedMs: number;
  usage?: TokenUsage;
  /** The prompt as sent (callers serialize message lists). */
  prompt: string;
  output: string;
  /** Short error (name/message) for the front matter; `errorDetail` (e.g. a stack) goes to `=== ERROR ===`. */
  error?: string;
  errorDetail?: string;
}

const ROLE_CODE: Record<TraceRole, string> = { manager: 'm', worker: 'w' };
const ATTEMPT_CODE: Record<TraceAttempt, string> = { primary: 'p', feedback: 'f', normal: 'n' };
const MAX_CLASH_SUFFIX = 10_000;

/** `<ts36><r><a>` for a trace file name (without suffix and extension). */
export function traceBaseName(timestamp: number, role: TraceRole, attempt: TraceAttempt): string {
  return `${Math.max(0, Math.floor(timestamp)).toString(36).padStart(9, '0')}${ROLE_CODE[role]}${ATTEMPT_CODE[attempt]}`;
}

export function renderTrace(record: TraceRecord): string {
  const sections: Array<[string, string]> = [['PROMPT', record.prompt], ['OUTPUT', record.output]];
  const errorText = record.errorDetail ?? record.error;
  if (errorText !== undefined) sections.push(['ERROR', errorText]);
  return renderDocument(
    {
      timestamp: new Date(record.timestamp).toISOString(),
      role: record.role,
      attempt: record.attempt,
      model: record.model,
      task_id: record.taskId,
      session_id: record.sessionId,
      ok: record.ok,
      elapsed_ms: record.elapsedMs,
      usage: JSON.stringify(record.usage ?? {}),
      error: record.error,
    },
    sections,
  );
}

export class TraceWriter {
  constructor(private readonly paths: StatePaths) {}

  /** Writes the trace and returns its work-dir-relative path. */
  async writeTrace(record: TraceRecord): Promise<string> {
    if (record.taskId !== undefined) assertTaskId(record.taskId);
    const dir = this.paths.traceDir(new Date(record.timestamp));
    const names = candidateNames(traceBaseName(record.timestamp, record.role, record.attempt), '.txt', (n) => `-${n}`, MAX_CLASH_SUFFIX);
    return this.paths.relative(await writeFileExclusive(dir, names, renderTrace(record)));
  }
}
