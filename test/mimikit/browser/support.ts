/**
 * Browser test support: Debian's Chromium driven by playwright-core (a missing Chromium FAILS the tests
 * with a clear message, it never skips them), and mimikit run as the real CLI (supervisor + runtime
 * process) on a fixed free port, its model calls going to a RouteCodex in front of the fake upstream.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const OUTPUT_DIR = path.resolve('test-output');
const BIN = path.resolve('bin/mimikit.mjs');

export async function launchBrowser(): Promise<Browser> {
  try {
    await fs.access(CHROMIUM, fsConstants.X_OK);
  } catch {
    throw new Error(`Chromium is not installed at ${CHROMIUM}: the WebUI tests need it (Debian: apt-get install chromium). They fail rather than skip.`);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await fs.mkdir(OUTPUT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(OUTPUT_DIR, `${name}.png`), fullPage: false });
}

/**
 * Uncaught page errors and console errors (CSP violations included), to assert there are none. Not
 * counted: network errors (a restart takes the server away for a moment) and the CSP report Chromium
 * logs when DOMPurify parses a hostile `onerror=` attribute in its inert document (blocked, never run).
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error' || /Failed to load resource|net::ERR_|EventSource/.test(m.text())) return;
    if (m.text().startsWith('Executing inline event handler violates')) return;
    errors.push(`console: ${m.text()}`);
  });
  return errors;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const LISTENING = /pid=(\d+) id=(\S+) listening on (http:\/\/\S+)/g;

export interface MimikitProcess {
  url: string;
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Runtime ids in the order the runtimes started listening. */
  runtimeIds(): string[];
  /** Resolves with the id of the `n`-th runtime (1-based) once it listens. */
  waitForRuntime(n: number, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export interface MimikitOptions {
  workDir: string;
  /** MIMIKIT_LLM_BASE_URL; omitted = the embedded RouteCodex. */
  llmBaseUrl?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to <work-dir>/config.yaml. */
  configYaml?: string;
}

export const TEST_CONFIG = 'idle:\n  afterMs: 3600000\nworker:\n  retry:\n    maxAttempts: 1\n    backoffMs: 10\n';

export async function startMimikit(options: MimikitOptions): Promise<MimikitProcess> {
  await fs.writeFile(path.join(options.workDir, 'config.yaml'), options.configYaml ?? TEST_CONFIG);
  const port = await freePort();
  const env = { ...(options.env ?? process.env), ...(options.llmBaseUrl ? { MIMIKIT_LLM_BASE_URL: options.llmBaseUrl } : {}) };
  const child = spawn(process.execPath, [BIN, '--work-dir', options.workDir, '--port', String(port)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let waiters: Array<() => void> = [];
  const wake = () => {
    const list = waiters;
    waiters = [];
    list.forEach((w) => w());
  };
  child.stdout?.on('data', (c: Buffer) => {
    out += c.toString();
    wake();
  });
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    wake();
    resolve();
  }));
  const runtimeIds = () => [...out.matchAll(LISTENING)].map((m) => m[2] as string);
  const proc: MimikitProcess = {
    url: `http://127.0.0.1:${port}`,
    child,
    stdout: () => out,
    stderr: () => err,
    runtimeIds,
    waitForRuntime: (n, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`runtime #${n} did not start in ${timeoutMs} ms; stdout: ${out}; stderr: ${err}`)), timeoutMs);
        const check = () => {
          const id = runtimeIds()[n - 1];
          if (id) {
            clearTimeout(timer);
            resolve(id);
          } else if (child.exitCode !== null) {
            clearTimeout(timer);
            reject(new Error(`mimikit exited with ${child.exitCode}; stdout: ${out}; stderr: ${err}`));
          } else waiters.push(check);
        };
        check();
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  await proc.waitForRuntime(1);
  return proc;
}
