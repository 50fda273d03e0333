/**
 * The CLI as real processes: `mimikit --work-dir <tmp> --port 0` with MIMIKIT_LLM_BASE_URL pointing at a
 * RouteCodex started here (in front of the fake upstream). /api/status answers; a second mimikit on the
 * same work dir exits 1 naming the holder; SIGTERM → exit 0 with the lock released; a runtime that exits
 * with the restart code is started again by the supervisor, with a new runtimeId.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inputPacketSchema } from '../../src/mimikit/model/index.js';
import { PacketQueue } from '../../src/mimikit/storage/index.js';
import { startHarness, type Harness } from './harness.js';

const BIN = path.resolve('bin/mimikit.mjs');
let h: Harness;
const children: ChildProcess[] = [];

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await h.close();
});

interface Proc {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first match of `re` in stdout at or after `from` characters. */
  waitFor(re: RegExp, from?: number): Promise<RegExpExecArray>;
  exit: Promise<number | null>;
}

function mimikit(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, MIMIKIT_LLM_BASE_URL: `${h.gateway.url}/v1` }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  const waiters: Array<() => void> = [];
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
    waiters.splice(0).forEach((w) => w());
  });
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    waitFor: (re, from = 0) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${re} in stdout after 20 s; stdout: ${out}; stderr: ${err}`)), 20_000);
        const check = () => {
          const m = re.exec(out.slice(from));
          if (m) {
            clearTimeout(timer);
            resolve(m);
          } else waiters.push(check);
        };
        void exit.then(() => waiters.length > 0 && check());
        check();
      }),
  };
}

const LISTENING = /pid=(\d+) id=(\S+) listening on (http:\/\/\S+)/;

async function status(url: string): Promise<{ runtimeId: string; agentStatus: string }> {
  const res = await fetch(`${url}/api/status`);
  expect(res.status).toBe(200);
  return (await res.json()) as { runtimeId: string; agentStatus: string };
}

describe('mimikit CLI', () => {
  it('serves /api/status, refuses a second instance naming the holder, and exits 0 on SIGTERM with the lock released', async () => {
    const first = mimikit(['--work-dir', h.workDir, '--port', '0']);
    const [, pid, runtimeId, url] = await first.waitFor(LISTENING);
    expect(await status(url!)).toMatchObject({ runtimeId, agentStatus: 'idle' });

    const second = mimikit(['--work-dir', h.workDir, '--port', '0']);
    expect(await second.exit).toBe(1);
    expect(second.stderr()).toContain(`in use by pid ${pid}`);
    expect(second.stderr()).not.toMatch(/\n\s+at /); // a message, not a stack

    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    await expect(fs.access(path.join(h.workDir, '.instance.lock'))).rejects.toThrow();
  });

  it('a runtime exiting with the restart code (the restart_server action) is started again with a new runtimeId', async () => {
    const queue = new PacketQueue(path.join(h.workDir, 'inputs', 'packets.jsonl'), inputPacketSchema);
    const createdAt = new Date().toISOString();
    await queue.append({ id: 'u-restart', createdAt, payload: { id: 'u-restart', role: 'user', text: 'RESTART-NOW please', createdAt, wake: 'user_input' } });
    h.script([{ match: { contains: 'RESTART-NOW' }, times: 1, reply: { text: 'Restarting now.\n<M:restart_server/>' } }]);

    const proc = mimikit(['--work-dir', h.workDir, '--port', '0']);
    const [firstLine, , firstId] = await proc.waitFor(LISTENING);
    const at = proc.stdout().indexOf(firstLine) + firstLine.length;
    const [, , secondId, url] = await proc.waitFor(LISTENING, at);
    expect(secondId).not.toBe(firstId);
    expect((await status(url!)).runtimeId).toBe(secondId);
    expect(proc.stderr()).toContain('restarting the runtime');

    proc.child.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
    const history = (await fs.readdir(path.join(h.workDir, 'history'))).length;
    expect(history).toBeGreaterThan(0);
  });

  it('bad arguments and a bad config are one clear line and a non-zero exit', async () => {
    const usage = mimikit(['--port', 'eighty']);
    expect(await usage.exit).toBe(2);
    expect(usage.stderr()).toContain('--port must be a number');
    await fs.writeFile(path.join(h.workDir, 'config.yaml'), 'manager:\n  maxCorrectionRounds: lots\n');
    const config = mimikit(['--work-dir', h.workDir, '--port', '0']);
    expect(await config.exit).toBe(1);
    expect(config.stderr()).toContain('invalid configuration');
    expect(config.stderr()).toContain('manager.maxCorrectionRounds');
    expect(config.stderr()).not.toMatch(/\n\s+at /);
  });
});
