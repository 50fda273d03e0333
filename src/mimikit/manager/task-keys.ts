/**
 * Keys that say when two `create_task` actions ask for the same work. The fingerprint (stored on a task)
 * is the exact request, normalized for case and spacing; the debounce key is looser (digits folded,
 * punctuation dropped, long texts cut) to catch a model repeating itself with small variations.
 */
export interface TaskRequest {
  prompt: string;
  title: string;
  profile: string;
  cron?: string | undefined;
  scheduledAt?: string | undefined;
}

const squash = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();

function schedule(r: TaskRequest): string {
  return r.cron !== undefined ? `cron:${r.cron.trim()}` : r.scheduledAt !== undefined ? `at:${r.scheduledAt.trim()}` : 'now';
}

export function taskFingerprint(r: TaskRequest): string {
  return [r.profile, squash(r.title), squash(r.prompt), schedule(r)].join('\n');
}

function loose(s: string, max: number): string {
  return s
    .toLowerCase()
    .replace(/\d+/g, '#')
    .replace(/[^\p{L}\p{N}#]+/gu, ' ')
    .trim()
    .slice(0, max);
}

export function debounceKey(r: TaskRequest): string {
  return [r.profile, loose(r.title, 96), loose(r.prompt, 180), loose(schedule(r), 64)].join('\n');
}

/** Remembers when each debounce key was last accepted (only once its batch is committed). */
export class CreateDebouncer {
  private readonly accepted = new Map<string, number>();

  constructor(private readonly windowMs: () => number) {}

  isRecent(key: string, nowMs: number): boolean {
    const at = this.accepted.get(key);
    return at !== undefined && nowMs - at < this.windowMs();
  }

  remember(keys: Iterable<string>, nowMs: number): void {
    for (const key of keys) this.accepted.set(key, nowMs);
    if (this.accepted.size > 1_000) {
      for (const [key, at] of this.accepted) if (nowMs - at >= this.windowMs()) this.accepted.delete(key);
    }
  }
}
