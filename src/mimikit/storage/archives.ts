/**
 * Task archives: `tasks/<YYYY-MM-DD of completedAt>/<taskId>_<ascii-dashed-title ≤ 60>.md` (a clash gets
 * `_01`, `_02`, …; an archive is never overwritten), front matter + `=== PROMPT ===` + `=== RESULT ===`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Task, TaskResult } from '../model/index.js';
import { assertTaskId, isInside, StoragePathError, type StatePaths } from './paths.js';
import { parseDocument, renderDocument, splitSections, type FrontMatterValue } from './front-matter.js';
import { candidateNames, writeFileExclusive } from './exclusive-write.js';
import { describeIssues } from './validated-jsonl.js';

const MAX_CLASH_SUFFIX = 99;

/** ASCII, lowercase, runs of anything else turned into one `-`, at most 60 characters. */
export function archiveSlug(title: string): string {
  const ascii = title.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  const dashed = ascii.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '').toLowerCase();
  const cut = dashed.slice(0, 60).replace(/-+$/, '');
  return cut.length > 0 ? cut : 'untitled';
}

function frontMatter(task: Task, result: TaskResult | undefined): Record<string, FrontMatterValue> {
  const usage = result?.usage ?? task.usage;
  const cancel = result?.cancel ?? task.cancel;
  return {
    task_id: task.id,
    title: result?.title ?? task.title,
    status: result?.status ?? task.status,
    profile: result?.profile ?? task.profile,
    created_at: task.createdAt,
    started_at: task.startedAt,
    completed_at: result?.completedAt ?? task.completedAt,
    duration_ms: result?.durationMs ?? task.durationMs,
    attempts: result?.attempts ?? task.attempts,
    usage: JSON.stringify(usage ?? {}),
    cancel_source: cancel?.source,
    cancel_reason: cancel?.reason,
  };
}

export function renderTaskArchive(task: Task, result: TaskResult): string {
  return renderDocument(frontMatter(task, result), [['PROMPT', task.prompt], ['RESULT', result.output]]);
}

/** The archive shown for a task that has no archive file yet (queued, running, or finished without one). */
export function liveArchive(task: Task): string {
  const text =
    task.status === 'pending' ? 'Task is queued…' : task.status === 'running' ? 'Task is running…' : (task.result?.output ?? `Task is ${task.status}; no archive was written.`);
  return renderDocument(frontMatter(task, task.result), [['PROMPT', task.prompt], ['RESULT', text]]);
}

/** What is read back from an archive's front matter (extra keys allowed: files may be hand-edited). */
export const archiveMetaSchema = z.looseObject({
  task_id: z.string(),
  title: z.string(),
  status: z.string(),
  profile: z.string().optional(),
  created_at: z.string().optional(),
  started_at: z.string().optional(),
  completed_at: z.string().optional(),
  duration_ms: z.number().optional(),
  attempts: z.number().optional(),
  usage: z.string().optional(),
  cancel_source: z.string().optional(),
  cancel_reason: z.string().optional(),
});
export type ArchiveMeta = z.infer<typeof archiveMetaSchema>;

export interface TaskArchive {
  relPath: string;
  /** The whole file. */
  text: string;
  /** Front matter, when it passes `archiveMetaSchema`; otherwise `metaError` says why. */
  meta?: ArchiveMeta;
  metaError?: string;
  prompt?: string;
  output?: string;
}

export class TaskArchiveStore {
  constructor(private readonly paths: StatePaths) {}

  /** Writes the archive (atomically, never over an existing one) and returns its work-dir-relative path. */
  async writeTaskArchive(task: Task, result: TaskResult): Promise<string> {
    const dir = this.paths.archiveDir(new Date(result.completedAt));
    const base = `${assertTaskId(task.id)}_${archiveSlug(result.title ?? task.title)}`;
    const names = candidateNames(base, '.md', (n) => `_${String(n).padStart(2, '0')}`, MAX_CLASH_SUFFIX);
    const file = await writeFileExclusive(dir, names, renderTaskArchive(task, result));
    return this.paths.relative(file);
  }

  /**
   * Reads an archive by its work-dir-relative path; `undefined` when it does not exist. A path outside
   * `tasks/` (including through a symlink) or not ending in `.md` throws `StoragePathError`.
   */
  async readTaskArchive(relPath: string): Promise<TaskArchive | undefined> {
    const file = this.paths.resolveInside(relPath, this.paths.tasksDir);
    if (path.extname(file) !== '.md') throw new StoragePathError(`not an archive file: ${JSON.stringify(relPath)}`);
    let text: string;
    try {
      const [real, realTasks] = await Promise.all([fs.realpath(file), fs.realpath(this.paths.tasksDir)]);
      if (!isInside(realTasks, real)) throw new StoragePathError(`archive path leaves tasks/: ${JSON.stringify(relPath)}`);
      text = await fs.readFile(real, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const { data, body } = parseDocument(text);
    const sections = splitSections(body, ['PROMPT', 'RESULT']);
    const meta = archiveMetaSchema.safeParse(data);
    return {
      relPath: this.paths.relative(file),
      text,
      ...(meta.success ? { meta: meta.data } : { metaError: describeIssues(meta.error) }),
      ...(sections.PROMPT !== undefined ? { prompt: sections.PROMPT } : {}),
      ...(sections.RESULT !== undefined ? { output: sections.RESULT } : {}),
    };
  }
}
