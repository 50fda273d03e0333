/**
 * `agent_persona.md` and `user_profile.md`: free markdown the manager may rewrite (`update_persona`,
 * `update_profile`). Before the persona is replaced, the old text is kept in
 * `agent_persona_versions/<iso-timestamp>.md` (never overwriting an earlier version).
 */
import fs from 'node:fs/promises';
import { serialized } from '../../shared/file-lock.js';
import { writeFileAtomic } from '../../shared/atomic-write.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import type { StatePaths } from './paths.js';
import { candidateNames, writeFileExclusive } from './exclusive-write.js';

async function readTextOrEmpty(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/** `2024-05-01T10:20:30.456Z` → `2024-05-01T10-20-30-456Z` (valid on every file system). */
export function fsSafeTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/[:.]/g, '-');
}

export interface PersonaUpdate {
  /** Work-dir-relative path of the saved previous version; absent when there was nothing to keep. */
  versionPath?: string;
  changed: boolean;
}

export class PersonaStore {
  private readonly clock: Clock;

  constructor(
    private readonly paths: StatePaths,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  readPersona(): Promise<string> {
    return readTextOrEmpty(this.paths.personaFile);
  }

  readUserProfile(): Promise<string> {
    return readTextOrEmpty(this.paths.userProfileFile);
  }

  /** Keeps the previous persona as a version, then replaces it atomically. Same text → nothing happens. */
  async updatePersona(text: string): Promise<PersonaUpdate> {
    return serialized(`persona:${this.paths.personaFile}`, async () => {
      const previous = await this.readPersona();
      if (previous === text) return { changed: false };
      let versionPath: string | undefined;
      if (previous.trim().length > 0) {
        const names = candidateNames(fsSafeTimestamp(this.clock.now()), '.md', (n) => `-${n}`, 10_000);
        versionPath = this.paths.relative(await writeFileExclusive(this.paths.personaVersionsDir, names, previous));
      }
      await writeFileAtomic(this.paths.personaFile, text);
      return versionPath === undefined ? { changed: true } : { changed: true, versionPath };
    });
  }

  async updateUserProfile(text: string): Promise<void> {
    await serialized(`profile:${this.paths.userProfileFile}`, () => writeFileAtomic(this.paths.userProfileFile, text));
  }
}
