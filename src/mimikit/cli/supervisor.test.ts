import { EventEmitter } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { supervise } from './supervisor.js';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await fs.rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A child that exits with the codes listed in `codes`, one per run (counting runs in a file). */
async function scriptedChild(codes: number[]): Promise<string[]> {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-sup-'));
  const counter = path.join(dir, 'runs');
  const script = `const fs=require('fs');let n=0;try{n=Number(fs.readFileSync(${JSON.stringify(counter)},'utf8'))}catch{};fs.writeFileSync(${JSON.stringify(counter)},String(n+1));process.exit(${JSON.stringify(codes)}[n]??0)`;
  return [process.execPath, '-e', script];
}

describe('supervise', () => {
  it('starts the child again after the restart code (75) and ends with the next exit code', async () => {
    const command = await scriptedChild([75, 75, 3]);
    const pids: number[] = [];
    const code = await supervise({ command, quickExitMs: 0, onSpawn: (c) => pids.push(c.pid ?? 0) });
    expect(code).toBe(3);
    expect(new Set(pids).size).toBe(3);
    expect(await fs.readFile(path.join(dir!, 'runs'), 'utf8')).toBe('3');
  });

  it('forwards SIGTERM to the child and ends with its exit code', async () => {
    const script = "process.on('SIGTERM',()=>process.exit(0));process.stdout.write('ready\\n');setInterval(()=>{},1000)";
    const signals = new EventEmitter();
    const done = supervise({
      command: [process.execPath, '-e', script],
      stdio: ['ignore', 'pipe', 'inherit'],
      signals,
      onSpawn: (child) => child.stdout?.once('data', () => signals.emit('SIGTERM')),
    });
    expect(await done).toBe(0);
    expect(signals.listenerCount('SIGTERM')).toBe(0);
  });
});
