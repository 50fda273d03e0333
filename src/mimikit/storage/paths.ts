/**
 * The state directory layout (`.mimikit/` by default). This is the only place that knows where each
 * file lives; everything else asks a `StatePaths`.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

const TASK_ID = /^[A-Za-z0-9_-]{1,128}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Thrown for a task id or day that could escape the state directory or name no file. */
export class StoragePathError extends Error {
  override name = 'StoragePathError';
}

/** A task id is used as a file name: letters, digits, `_` and `-` only (no path traversal). */
export function assertTaskId(taskId: string): string {
  if (!TASK_ID.test(taskId)) throw new StoragePathError(`invalid task id ${JSON.stringify(taskId.slice(0, 140))}: expected ^[A-Za-z0-9_-]{1,128}$`);
  return taskId;
}

/** `YYYY-MM-DD` of a date in UTC; a string must already be such a day (and a real one). */
export function utcDay(date: Date | string): string {
  if (typeof date === 'string') {
    const parsed = DAY.test(date) ? new Date(`${date}T00:00:00.000Z`) : undefined;
    if (!parsed || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== date) {
      throw new StoragePathError(`invalid day ${JSON.stringify(date.slice(0, 40))}: expected YYYY-MM-DD`);
    }
    return date;
  }
  if (Number.isNaN(date.getTime())) throw new StoragePathError('invalid date');
  return date.toISOString().slice(0, 10);
}

export class StatePaths {
  readonly root: string;

  constructor(workDir: string) {
    if (!path.isAbsolute(workDir)) throw new StoragePathError(`work dir must be an absolute path, got ${JSON.stringify(workDir)}`);
    this.root = path.resolve(workDir);
  }

  get historyDir(): string { return this.at('history'); }
  get logFile(): string { return this.at('log.jsonl'); }
  get snapshotFile(): string { return this.at('runtime-snapshot.json'); }
  get snapshotBackupFile(): string { return `${this.snapshotFile}.bak`; }
  get inputsFile(): string { return this.at('inputs', 'packets.jsonl'); }
  get resultsFile(): string { return this.at('results', 'packets.jsonl'); }
  get tasksDir(): string { return this.at('tasks'); }
  get tasksLogFile(): string { return this.at('tasks', 'tasks.jsonl'); }
  get progressDir(): string { return this.at('task-progress'); }
  get tracesDir(): string { return this.at('traces'); }
  get userProfileFile(): string { return this.at('user_profile.md'); }
  get personaFile(): string { return this.at('agent_persona.md'); }
  get personaVersionsDir(): string { return this.at('agent_persona_versions'); }
  get workspaceDir(): string { return this.at('workspace'); }
  get generatedDir(): string { return this.at('generated'); }
  get instanceLockFile(): string { return this.at('.instance.lock'); }
  /** The user's config file (read by the config module). */
  get configFile(): string { return this.at('config.yaml'); }

  /** `history/YYYY-MM-DD.jsonl` of a UTC day. */
  historyFile(date: Date | string): string {
    return path.join(this.historyDir, `${utcDay(date)}.jsonl`);
  }

  /** `task-progress/{taskId}.jsonl`; the task id is validated. */
  progressFile(taskId: string): string {
    return path.join(this.progressDir, `${assertTaskId(taskId)}.jsonl`);
  }

  /** `tasks/YYYY-MM-DD/` */
  archiveDir(date: Date | string): string {
    return path.join(this.tasksDir, utcDay(date));
  }

  /** `traces/YYYY-MM-DD/` */
  traceDir(date: Date | string): string {
    return path.join(this.tracesDir, utcDay(date));
  }

  /** A path relative to the work dir, with `/` separators (what we store in records). */
  relative(absolute: string): string {
    return path.relative(this.root, absolute).split(path.sep).join('/');
  }

  /**
   * Resolves a relative path that must stay inside `base` (default: the work dir); throws otherwise.
   * Symlinks are not followed here; callers that read check the real path too.
   */
  resolveInside(relPath: string, base: string = this.root): string {
    if (relPath.includes('\0') || path.isAbsolute(relPath)) throw new StoragePathError(`path must be relative to the work dir: ${JSON.stringify(relPath)}`);
    const resolved = path.resolve(this.root, relPath);
    if (!isInside(base, resolved)) throw new StoragePathError(`path escapes ${this.relative(base) || 'the work dir'}: ${JSON.stringify(relPath)}`);
    return resolved;
  }

  /** Creates every directory of the layout (idempotent). */
  async ensureLayout(): Promise<void> {
    const dirs = [
      this.historyDir, path.dirname(this.inputsFile), path.dirname(this.resultsFile), this.tasksDir, this.progressDir,
      this.tracesDir, this.personaVersionsDir, this.workspaceDir, this.generatedDir,
    ];
    for (const dir of dirs) await fs.mkdir(dir, { recursive: true });
  }

  private at(...segments: string[]): string {
    return path.join(this.root, ...segments);
  }
}

/** True when `child` is `parent` itself or below it. */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
