import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InstanceLockError, StatePaths } from '../storage/index.js';
import { deadPid } from '../storage/testing/child-process.js';
import { useTempWorkDirs } from '../storage/testing/fixtures.js';
import { claimWorkDir } from './claim-work-dir.js';

const newPaths = useTempWorkDirs();

async function leaveInstanceLock(paths: StatePaths, pid: number): Promise<void> {
  const now = new Date().toISOString();
  await fs.writeFile(paths.instanceLockFile, JSON.stringify({ pid, token: 'previous', hostname: os.hostname(), createdAt: now, heartbeatAt: now }));
}

describe('claimWorkDir', () => {
  it('takes over the lock of a dead runtime and removes the file locks it left', async () => {
    const paths = await newPaths();
    await paths.ensureLayout();
    await leaveInstanceLock(paths, await deadPid());
    await fs.mkdir(`${paths.resultsFile}.lock`);
    const takeovers: string[] = [];
    const claimed = await claimWorkDir(paths, { onTakeover: (_previous, reason) => takeovers.push(reason) });
    expect(takeovers).toHaveLength(1);
    expect(claimed.clearedLocks).toEqual(['results/packets.jsonl.lock']);
    await expect(fs.access(`${paths.resultsFile}.lock`)).rejects.toThrow();
    await claimed.lock.release();
  });

  it('a work dir in use is refused, and its file locks are left alone', async () => {
    const paths = await newPaths();
    await paths.ensureLayout();
    await leaveInstanceLock(paths, process.pid); // a live holder
    await fs.mkdir(`${paths.inputsFile}.lock`);
    await expect(claimWorkDir(paths)).rejects.toBeInstanceOf(InstanceLockError);
    expect((await fs.stat(`${paths.inputsFile}.lock`)).isDirectory()).toBe(true);
  });

  it('removes the temp files of writes a dead process did not finish, in the state directories only', async () => {
    const paths = await newPaths();
    await paths.ensureLayout();
    const dead = await deadPid();
    const archiveDir = paths.archiveDir('2026-11-20');
    await fs.mkdir(archiveDir, { recursive: true });
    const left = {
      snapshot: path.join(paths.root, `.runtime-snapshot.json.${dead}.0123456789ab.tmp`),
      personaVersion: path.join(paths.personaVersionsDir, `.new.${dead}.abcdef012345.tmp`),
      archive: path.join(archiveDir, `.new.${dead}.00112233aabb.tmp`),
    };
    const kept = {
      live: path.join(paths.root, `.agent_persona.md.${process.pid}.0123456789ab.tmp`),
      workspace: path.join(paths.workspaceDir, `.x.${dead}.0123456789ab.tmp`),
      notATemp: path.join(paths.root, '.notes'),
    };
    for (const f of [...Object.values(left), ...Object.values(kept)]) await fs.writeFile(f, 'partial');
    const claimed = await claimWorkDir(paths);
    expect([...claimed.clearedTemps].sort()).toEqual(Object.values(left).map((f) => paths.relative(f)).sort());
    for (const f of Object.values(left)) await expect(fs.access(f)).rejects.toThrow();
    for (const f of Object.values(kept)) await expect(fs.access(f)).resolves.toBeUndefined();
    await claimed.lock.release();
  });
});
