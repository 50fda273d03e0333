/** The `routecodex` command as a real process: start serves and stops on SIGTERM; config check prints routes or the problems. */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../src/routecodex/testing/fake-upstream/index.js';
import { fourProviderConfig } from '../helpers/gateway-harness.js';
import { tempDir } from '../helpers/temp-dir.js';

const BIN = path.resolve('bin/routecodex.mjs');
let fake: FakeUpstream;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  fake = await startFakeUpstream();
  dir = await tempDir();
});
afterAll(async () => {
  await fake.close();
  await dir.remove();
});

function envFor(home: string): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: home, ROUTECODEX_HOME: home, LOG_LEVEL: 'silent' };
}

describe('routecodex config check', () => {
  it('prints the resolved routes of a valid YAML config', async () => {
    const file = path.join(dir.path, 'ok.yaml');
    await fs.writeFile(
      file,
      `serverId: cli-test
virtualrouter:
  providers:
    oa: { type: openai, baseURL: "${fake.url}/v1", auth: { type: apikey, apiKey: ["\${KEY_A}", "k2"] }, models: [gpt-test] }
  routing:
    default: [oa.gpt-test]
`,
    );
    const r = spawnSync(process.execPath, [BIN, 'config', 'check', '--config', file], { env: { ...envFor(dir.path), KEY_A: 'k1' }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('route default:');
    expect(r.stdout).toContain('oa.gpt-test -> oa.key1.gpt-test, oa.key2.gpt-test');
  });

  it('exits 1 with each problem and its path, without a stack trace', async () => {
    const file = path.join(dir.path, 'bad.json');
    await fs.writeFile(file, JSON.stringify({ virtualrouter: { providers: { oa: { type: 'nope', baseURL: 'x', auth: { type: 'apikey', apiKey: 'k' }, models: ['m'] } }, routing: {} } }));
    const r = spawnSync(process.execPath, [BIN, 'config', 'check', '--config', file], { env: envFor(dir.path), encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('virtualrouter.providers.oa.type');
    expect(r.stderr).toContain('virtualrouter.providers.oa.baseURL');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('routecodex start', () => {
  it('serves requests and exits cleanly on SIGTERM', async () => {
    const file = path.join(dir.path, 'start.json');
    await fs.writeFile(file, JSON.stringify(fourProviderConfig(fake.url)));
    const child = spawn(process.execPath, [BIN, 'start', '--config', file, '--port', '0'], { env: envFor(dir.path) });
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /listening on (http:\/\/\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const res = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'oa.gpt-test', messages: [{ role: 'user', content: 'hi' }] }) });
    expect(res.status).toBe(200);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
