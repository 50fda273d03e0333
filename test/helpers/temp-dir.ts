import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp directory; `remove()` deletes it. */
export async function tempDir(prefix = 'rcx-'): Promise<{ path: string; remove(): Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
  return { path: dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}
