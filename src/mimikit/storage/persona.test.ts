import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { fsSafeTimestamp, PersonaStore } from './persona.js';
import { useTempWorkDirs } from './testing/fixtures.js';

const newPaths = useTempWorkDirs();
const T = Date.parse('2024-05-01T10:20:30.456Z');

async function newStore() {
  const paths = await newPaths();
  const clock = new ManualClock(T);
  return { paths, clock, store: new PersonaStore(paths, { clock }) };
}

describe('PersonaStore', () => {
  it('reads missing files as empty text', async () => {
    const { store } = await newStore();
    expect(await store.readPersona()).toBe('');
    expect(await store.readUserProfile()).toBe('');
  });

  it('keeps every previous persona as a version before replacing it', async () => {
    const { paths, clock, store } = await newStore();
    expect(await store.updatePersona('v1')).toEqual({ changed: true }); // nothing to keep yet
    clock.advance(1000);
    expect(await store.updatePersona('v2')).toEqual({ changed: true, versionPath: 'agent_persona_versions/2024-05-01T10-20-31-456Z.md' });
    expect(await store.updatePersona('v3')).toEqual({ changed: true, versionPath: 'agent_persona_versions/2024-05-01T10-20-31-456Z-1.md' }); // same ms: no overwrite
    expect(await store.readPersona()).toBe('v3');
    const read = (name: string) => fs.readFile(path.join(paths.personaVersionsDir, name), 'utf8');
    expect(await fs.readdir(paths.personaVersionsDir)).toHaveLength(2);
    expect(await read('2024-05-01T10-20-31-456Z.md')).toBe('v1');
    expect(await read('2024-05-01T10-20-31-456Z-1.md')).toBe('v2');
  });

  it('does nothing when the text is unchanged', async () => {
    const { paths, store } = await newStore();
    await store.updatePersona('same');
    expect(await store.updatePersona('same')).toEqual({ changed: false });
    await expect(fs.readdir(paths.personaVersionsDir)).rejects.toThrow(); // never created
  });

  it('serializes concurrent updates: no version is lost', async () => {
    const { paths, store } = await newStore();
    await store.updatePersona('v0');
    await Promise.all(['a', 'b', 'c'].map((t) => store.updatePersona(t)));
    const versions = await fs.readdir(paths.personaVersionsDir);
    const kept = await Promise.all(versions.map((v) => fs.readFile(path.join(paths.personaVersionsDir, v), 'utf8')));
    expect(kept.sort()).toEqual(['a', 'b', 'v0']);
    expect(await store.readPersona()).toBe('c');
  });

  it('updates the user profile', async () => {
    const { store } = await newStore();
    await store.updateUserProfile('# Me\nlikes tea');
    expect(await store.readUserProfile()).toBe('# Me\nlikes tea');
  });

  it('formats file-system-safe timestamps', () => {
    expect(fsSafeTimestamp(T)).toBe('2024-05-01T10-20-30-456Z');
  });
});
