/** Starting and driving one runtime child process (`runtime-child.ts`) from the harness. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { childMessageSchema, type ChildCommand, type ChildMessage } from './protocol.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RUN_TS = path.join(ROOT, 'bin/run-ts.mjs');
const CHILD = path.join(import.meta.dirname, 'runtime-child.ts');

export type Started = Extract<ChildMessage, { ev: 'started' }>;
export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export class RuntimeChild {
  readonly process: ChildProcessWithoutNullStreams;
  readonly spawnedAt = Date.now();
  readonly exit: Promise<Exit>;
  /** Resolves with the `started` message, or undefined when the process ended before it. */
  readonly started: Promise<Started | undefined>;
  readonly messages: ChildMessage[] = [];
  private readonly listeners = new Set<(m: ChildMessage) => void>();
  private err = '';

  constructor(workDir: string, baseURL: string) {
    this.process = spawn(process.execPath, [RUN_TS, CHILD, workDir], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, MIMIKIT_LLM_BASE_URL: baseURL } });
    this.process.stderr.on('data', (c: Buffer) => (this.err = (this.err + c.toString()).slice(-8_000)));
    this.process.stdin.on('error', () => undefined); // writing to a killed child
    readline.createInterface({ input: this.process.stdout }).on('line', (line) => {
      let raw: unknown;
      try {
        raw = JSON.parse(line);
      } catch {
        return; // not a protocol line
      }
      const parsed = childMessageSchema.safeParse(raw);
      if (!parsed.success) return;
      this.messages.push(parsed.data);
      for (const l of [...this.listeners]) l(parsed.data);
    });
    this.exit = new Promise((resolve) => this.process.once('exit', (code, signal) => resolve({ code, signal })));
    this.started = Promise.race([this.next((m): m is Started => m.ev === 'started'), this.exit.then(() => undefined)]);
  }

  get alive(): boolean {
    return this.process.exitCode === null && this.process.signalCode === null;
  }

  stderr(): string {
    return this.err;
  }

  send(command: ChildCommand): void {
    if (this.alive) this.process.stdin.write(`${JSON.stringify(command)}\n`);
  }

  kill(signal: NodeJS.Signals): void {
    if (this.alive) this.process.kill(signal);
  }

  /** The first message (from now on, or already received) matching `predicate`; never resolves otherwise. */
  next<M extends ChildMessage>(predicate: (m: ChildMessage) => m is M): Promise<M> {
    const seen = this.messages.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const listener = (m: ChildMessage) => {
        if (!predicate(m)) return;
        this.listeners.delete(listener);
        resolve(m);
      };
      this.listeners.add(listener);
    });
  }

  accepted(): Array<{ tag: string; id: string }> {
    return this.messages.flatMap((m) => (m.ev === 'accepted' ? [{ tag: m.tag, id: m.id }] : []));
  }
}
