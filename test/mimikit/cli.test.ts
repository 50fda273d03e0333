/**
 * The CLI as real processes: `mimikit --work-dir <tmp> --port 0` with MIMIKIT_LLM_BASE_URL pointing at a
 * RouteCodex started here (in front of the fake upstream). /api/status answers; a second mimikit on the
 * same work dir exits 1 naming the holder; SIGTERM → exit 0 with the lock released; a runtime that exits
 * with the restart code is started again by the supervisor, with a new runtimeId. Without
 * MIMIKIT_LLM_BASE_URL the runtime embeds RouteCodex (zero-config from OPENAI_BASE_URL here), or says
 * clearly that no provider is configured.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inputPacketSchema } from '../../src/mimikit/model/index.js';
import { PacketQueue } from '../../src/mimikit/storage/index.js';
import { waitUntil } from '../../src/mimikit/worker/test-support.js';
import { startHarness, type Harness } from './harness.js';
import { historyLines } from './history-lines.js';

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

/** The environment without any model endpoint or provider variables, plus `extra`. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (/^(MIMIKIT_LLM_|OPENAI_|ANTHROPIC_|GEMINI_|ROUTECODEX_)/.test(key)) delete env[key];
  return { ...env, ...extra };
}

function mimikit(args: string[], env: NodeJS.ProcessEnv = cleanEnv({ MIMIKIT_LLM_BASE_URL: `${h.gateway.url}/v1` })): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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

  it('without MIMIKIT_LLM_BASE_URL the embedded RouteCodex serves the model calls; SIGINT stops it cleanly', async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-cli-rcx-'));
    try {
      const createdAt = new Date().toISOString();
      const queue = new PacketQueue(path.join(h.workDir, 'inputs', 'packets.jsonl'), inputPacketSchema);
      await queue.append({ id: 'u-embedded', createdAt, payload: { id: 'u-embedded', role: 'user', text: 'EMBEDDED-HELLO', createdAt, wake: 'user_input' } });
      h.script([{ match: { contains: 'EMBEDDED-HELLO' }, reply: { text: 'Hello through the embedded gateway.' } }]);
      const proc = mimikit(['--work-dir', h.workDir, '--port', '0'], cleanEnv({ OPENAI_BASE_URL: `${h.fake.url}/v1`, OPENAI_API_KEY: 'k-test', ROUTECODEX_HOME: home }));
      await proc.waitFor(/listening on .*model endpoint embedded/);
      const answered = async () => (await historyLines(h.workDir)).some((m) => m.role === 'agent' && m.batch?.inputIds.includes('u-embedded') && m.text === 'Hello through the embedded gateway.');
      await waitUntil(answered, 20_000, 'the reply through the embedded RouteCodex');
      expect(h.fake.requests().some((r) => r.apiKey === 'k-test')).toBe(true); // it went out with the zero-config key

      proc.child.kill('SIGINT');
      expect(await proc.exit).toBe(0);
      await expect(fs.access(path.join(h.workDir, '.instance.lock'))).rejects.toThrow();
    } finally {
      await fs.rm(home, { recursive: true, force: true });
    }
  });

  it('with no provider at all it still starts, and says what to configure (stderr and a chat message)', async () => {
    const home = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-cli-rcx-'));
    try {
      const proc = mimikit(['--work-dir', h.workDir, '--port', '0'], cleanEnv({ ROUTECODEX_HOME: home }));
      await proc.waitFor(LISTENING);
      expect(proc.stderr()).toContain('No model provider is configured');
      expect(proc.stderr()).toContain('MIMIKIT_LLM_BASE_URL');
      const notices = (await historyLines(h.workDir)).filter((m) => m.role === 'system' && m.text.includes('name="no_model_provider"'));
      expect(notices).toHaveLength(1);
      proc.child.kill('SIGTERM');
      expect(await proc.exit).toBe(0);
    } finally {
      await fs.rm(home, { recursive: true, force: true });
    }
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
