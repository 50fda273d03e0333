/**
 * Reads a work dir the way an auditor would, from the raw files: every history line (duplicates included),
 * both queues, the snapshot, the side-effect file, and whether every JSONL file of the state directory
 * reads. Tolerant like the runtime (a torn line is counted, not fatal); a file that cannot be read at
 * all, a snapshot that fails its schema, or a line that parses but breaks its schema is a problem.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import { readJsonLines } from '../../src/shared/jsonl.js';
import {
  historyMessageSchema, inputPacketSchema, progressEventSchema, resultPacketSchema, runtimeSnapshotSchema,
  type HistoryMessage, type InputPacket, type ResultPacket, type RuntimeSnapshot,
} from '../../src/mimikit/model/index.js';
import { StatePaths, taskLogEntrySchema } from '../../src/mimikit/storage/index.js';
import { SIDE_EFFECTS_FILE } from './scripted-model.js';

export interface WorkDirState {
  /** Every history message, in file order (days sorted). */
  history: HistoryMessage[];
  inputs: InputPacket[];
  results: ResultPacket[];
  snapshot: RuntimeSnapshot | undefined;
  /** Lines of `workspace/side-effects.log` per job tag. */
  sideEffects: Map<string, number>;
  /** Torn or unparsable lines per file (tolerated: a kill can tear an append). */
  tornLines: Map<string, number>;
  /** Things that must never be: unreadable files, a snapshot failing its schema, schema-breaking lines. */
  problems: string[];
  /** Temp files an interrupted atomic write left (harmless; counted). */
  tempLeftovers: number;
}

async function readJsonl<T>(file: string, schema: z.ZodType<T> | undefined, state: WorkDirState, rel: string): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const raw of readJsonLines(file, () => state.tornLines.set(rel, (state.tornLines.get(rel) ?? 0) + 1))) {
      if (!schema) continue;
      const parsed = schema.safeParse(raw);
      if (parsed.success) out.push(parsed.data);
      else state.problems.push(`${rel}: a complete line breaks its schema: ${JSON.stringify(raw).slice(0, 160)}`);
    }
  } catch (e) {
    state.problems.push(`${rel}: cannot be read: ${(e as Error).message}`);
  }
  return out;
}

async function names(dir: string): Promise<string[]> {
  return (await fs.readdir(dir).catch(() => [] as string[])).sort();
}

/** `full`: also the observability files (task log, progress, log.jsonl) — slower, for the checks. */
export async function inspectWorkDir(workDir: string, options: { full: boolean }): Promise<WorkDirState> {
  const paths = new StatePaths(workDir);
  const state: WorkDirState = { history: [], inputs: [], results: [], snapshot: undefined, sideEffects: new Map(), tornLines: new Map(), problems: [], tempLeftovers: 0 };
  for (const name of (await names(paths.historyDir)).filter((n) => n.endsWith('.jsonl'))) {
    state.history.push(...(await readJsonl(path.join(paths.historyDir, name), historyMessageSchema, state, `history/${name}`)));
  }
  state.inputs = await readJsonl(paths.inputsFile, inputPacketSchema, state, 'inputs/packets.jsonl');
  state.results = await readJsonl(paths.resultsFile, resultPacketSchema, state, 'results/packets.jsonl');
  if (options.full) {
    await readJsonl(paths.tasksLogFile, taskLogEntrySchema, state, 'tasks/tasks.jsonl');
    for (const name of (await names(paths.progressDir)).filter((n) => n.endsWith('.jsonl'))) {
      await readJsonl(path.join(paths.progressDir, name), progressEventSchema, state, `task-progress/${name}`);
    }
    await readJsonl(paths.logFile, undefined, state, 'log.jsonl');
  }

  try {
    const parsed = runtimeSnapshotSchema.safeParse(JSON.parse(await fs.readFile(paths.snapshotFile, 'utf8')));
    if (parsed.success) state.snapshot = parsed.data;
    else state.problems.push(`runtime-snapshot.json fails its schema: ${parsed.error.issues[0]?.message ?? ''}`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') state.problems.push(`runtime-snapshot.json cannot be read: ${(e as Error).message}`);
  }

  const effects = await fs.readFile(path.join(paths.workspaceDir, SIDE_EFFECTS_FILE), 'utf8').catch(() => '');
  for (const line of effects.split('\n')) if (line.trim() !== '') state.sideEffects.set(line.trim(), (state.sideEffects.get(line.trim()) ?? 0) + 1);

  for (const dir of [paths.root, paths.historyDir, path.dirname(paths.inputsFile), path.dirname(paths.resultsFile), paths.tasksDir]) {
    state.tempLeftovers += (await names(dir)).filter((n) => n.endsWith('.tmp') || n.startsWith('.tmp-')).length;
  }
  return state;
}
