import fs from 'node:fs/promises';
import os from 'node:os';
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
});
