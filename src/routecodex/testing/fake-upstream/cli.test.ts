import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../shared/config-file.js';
import { parseFakeUpstreamArgs, startFakeUpstreamFromArgs } from './cli.js';
import { at, post, requestFor } from './test-support.js';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fake-upstream-cli-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

const YAML_SCRIPT = `rules:
  - match: { protocol: anthropic, contains: weather }
    times: 1
    reply:
      text: It is sunny.
  - reply:
      fault: { status: 503, retryAfter: 2 }
`;

describe('fake upstream CLI', () => {
  it('parses its arguments', () => {
    expect(parseFakeUpstreamArgs(['--port', '0', '--host', '::1', '--latency-ms', '25', '--script', 'a.yaml'])).toEqual({
      port: 0,
      host: '::1',
      latencyMs: 25,
      scriptFile: 'a.yaml',
    });
    expect(parseFakeUpstreamArgs(['--port=9'])).toEqual({ port: 9 });
    expect(() => parseFakeUpstreamArgs(['--port', 'x'])).toThrow(/invalid --port/);
    expect(() => parseFakeUpstreamArgs(['--latency-ms', 'soon'])).toThrow(/invalid --latency-ms/);
    expect(() => parseFakeUpstreamArgs(['--bogus'])).toThrow(/usage: fake-upstream/);
  });

  it('starts from arguments with a YAML script', async () => {
    const file = path.join(dir, 'script.yaml');
    await fs.writeFile(file, YAML_SCRIPT);
    const up = await startFakeUpstreamFromArgs(['--port', '0', '--script', file]);
    try {
      const { path: p, body } = requestFor('anthropic', false, 'weather today?');
      expect(at(await (await post(up.url, p, body)).json(), 'content', 0, 'text')).toBe('It is sunny.');
      const second = await post(up.url, p, body);
      expect(second.status).toBe(503);
      expect(second.headers.get('retry-after')).toBe('2');
    } finally {
      await up.close();
    }
  });

  it('reports a bad script file with the issue path', async () => {
    const file = path.join(dir, 'bad.json');
    await fs.writeFile(file, JSON.stringify({ rules: [{ reply: { fault: { status: 99 } } }] }));
    const err: unknown = await startFakeUpstreamFromArgs(['--script', file]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]?.path).toBe('rules[0].reply.fault.status');
  });

  it('runs as a process, prints its URL and stops on SIGTERM', async () => {
    const root = path.resolve(import.meta.dirname, '../../../..');
    const child = spawn(process.execPath, ['bin/run-ts.mjs', 'src/routecodex/testing/fake-upstream/main.ts', '--port', '0'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /fake upstream listening on (http:\/\/\S+)\n/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
      });
      const { path: p, body } = requestFor('gemini', false, 'hi', 'gem-cli');
      expect(at(await (await post(url, p, body)).json(), 'candidates', 0, 'content', 'parts', 0, 'text')).toBe(
        'Hello from the fake gemini upstream (model gem-cli).',
      );
      child.kill('SIGTERM');
      const [code] = await exited;
      expect(code).toBe(0);
      expect(stderr).toContain('fake upstream stopped');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
