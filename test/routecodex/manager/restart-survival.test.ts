/**
 * State survives a crash, through real processes: `node bin/routecodex.mjs start` on a fixed home and
 * serverId, the fake upstream in this process. A 429 with Retry-After: 3 cools key A; the server is
 * SIGKILLed; a new one still avoids A until the cooldown ends, then uses A again. A sticky session, an
 * affinity pin and a `<**#provider**>` disable survive the same way. A graceful stop then compacts.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionFileName } from '../../../src/routecodex/manager/store/file/file-sessions.js';
import { startFakeUpstream, type FakeUpstream } from '../../../src/routecodex/testing/fake-upstream/index.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { killAllChildren, spawnNode, type Child } from './child-process.js';

const A = 'pa.key1.ma';
const B = 'pb.key1.mb';
const KEY_A = 'k-survive-a';
const KEY_B = 'k-survive-b';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await killAllChildren();
  while (cleanups.length) await cleanups.pop()!();
});

interface Server {
  child: Child;
  url: string;
}

async function startServer(home: string, configFile: string): Promise<Server> {
  const child = spawnNode(['bin/routecodex.mjs', 'start', '--config', configFile], { ROUTECODEX_HOME: home });
  const url = (await child.waitForLine(/routecodex listening on (http:\/\/\S+)/))[1]!;
  return { child, url };
}

async function chat(server: Server, content: string, session?: string, model = 'default'): Promise<{ status: number; key: string | null; route: string | null }> {
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(session ? { 'x-session-id': session } : {}) },
    body: JSON.stringify({ model, messages: [{ role: 'user', content }] }),
  });
  await res.text();
  return { status: res.status, key: res.headers.get('x-routecodex-provider-key'), route: res.headers.get('x-routecodex-route') };
}

interface HealthBody {
  providers: Array<{ providerKey: string; state: string; cooldownExpiresAt?: number }>;
  restored: Array<{ providerKey: string; state: string; reason?: string; until?: number; failureCount: number }>;
}
async function health(server: Server): Promise<HealthBody> {
  return (await (await fetch(`${server.url}/manager/state/health`)).json()) as HealthBody;
}

/** Waits until `file` satisfies `ok` (the server persists behind the response; nothing else signals it). */
async function untilFile(file: string, ok: (text: string) => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    if (ok(text)) return;
    if (Date.now() > deadline) throw new Error(`${file} never reached the expected content:\n${text}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const seenA = (fake: FakeUpstream) => fake.requests().filter((r) => r.apiKey === KEY_A).length;

describe('restart survival (real processes)', () => {
  it('cooldowns, sticky sessions, affinity pins and disables survive a SIGKILL; a graceful stop compacts', async () => {
    const fake = await startFakeUpstream();
    cleanups.push(() => fake.close());
    const home = (await tempDir('rcx-survive-')).path;
    cleanups.push(() => fs.rm(home, { recursive: true, force: true }));
    const configFile = path.join(home, 'config.json');
    await fs.writeFile(
      configFile,
      JSON.stringify({
        serverId: 'survive',
        httpserver: { host: '127.0.0.1', port: 0 },
        logging: { level: 'warn' },
        virtualrouter: {
          providers: {
            pa: { type: 'openai', baseURL: `${fake.url}/v1`, auth: { type: 'apikey', apiKey: KEY_A }, models: ['ma'] },
            pb: { type: 'openai', baseURL: `${fake.url}/v1`, auth: { type: 'apikey', apiKey: KEY_B }, models: ['mb'] },
          },
          routing: {
            default: [{ id: 'first', priority: 200, targets: ['pa.ma'] }, { id: 'second', priority: 100, targets: ['pb.mb'] }],
            // One round-robin pool: without its pin, a session would alternate between A and B.
            rr: ['pa.ma', 'pb.mb'],
          },
          health: { rateLimitScheduleMs: [1_000] },
        },
      }),
    );
    const healthFile = path.join(home, 'state', 'router', 'survive', 'health.jsonl');

    // ---- first process: A answers 429 with Retry-After: 3, B serves.
    const first = await startServer(home, configFile);
    fake.addRules({ match: { apiKey: KEY_A }, times: 1, reply: { fault: { status: 429, retryAfter: 3 } } });
    expect(await chat(first, 'hello')).toMatchObject({ status: 200, key: B });
    expect(seenA(fake)).toBe(1);
    expect((await chat(first, '<**!pb.mb**> stick', 'sticky-1')).key).toBe(B);
    expect((await chat(first, '<**#pa**> not pa', 'disable-1')).key).toBe(B);
    expect((await chat(first, 'pin me', 'pin-1', 'rr')).key).toBe(B); // A is cooling: the session pins B
    // Both are written behind the responses (health: queued; the pin: set once the attempt succeeded).
    await untilFile(healthFile, (t) => t.includes(`"kind":"record"`) && t.includes(`"providerKey":"${A}","state":"cooling"`));
    const pinFile = path.join(home, 'state', 'router', 'survive', 'sessions', sessionFileName('pin-1'));
    await untilFile(pinFile, (t) => t.includes(`"rr": "${B}"`));
    await first.child.kill('SIGKILL');

    // ---- second process, same home and serverId: A is still avoided.
    fake.reset();
    const second = await startServer(home, configFile);
    const restored = (await health(second)).restored;
    expect(restored).toEqual([{ providerKey: A, state: 'cooling', reason: 'rate_limit', until: expect.any(Number), failureCount: 0 }]);
    const until = restored[0]!.until!;
    expect(until).toBeGreaterThan(Date.now());
    expect((await health(second)).providers.find((p) => p.providerKey === A)).toMatchObject({ state: 'cooling', cooldownExpiresAt: until });
    expect(await chat(second, 'while cooling')).toMatchObject({ status: 200, key: B });
    expect((await chat(second, 'still sticky', 'sticky-1')).route).toBe('sticky:pb.mb');
    expect((await chat(second, 'still disabled', 'disable-1')).key).toBe(B);
    expect(seenA(fake)).toBe(0);
    const routing = (await (await fetch(`${second.url}/manager/state/routing/disable-1`)).json()) as { state: { disabled: { providers: string[] } } };
    expect(routing.state.disabled.providers).toEqual(['pa']);

    // The cooldown ends: A serves again, but not for the sessions that stick to, pin, or exclude B/A.
    await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now() + 50)));
    expect(await chat(second, 'after the cooldown')).toMatchObject({ status: 200, key: A });
    expect(seenA(fake)).toBe(1);
    expect((await chat(second, 'sticky', 'sticky-1')).key).toBe(B);
    expect((await chat(second, 'disabled', 'disable-1')).key).toBe(B);
    for (let i = 0; i < 3; i++) expect((await chat(second, `pinned ${i}`, 'pin-1', 'rr')).key).toBe(B);
    expect(seenA(fake)).toBe(1);
    // Without the pin the pool rotates (so the pin above is what kept B).
    const rotating = [await chat(second, 'r1', undefined, 'rr'), await chat(second, 'r2', undefined, 'rr')].map((r) => r.key);
    expect(rotating.sort()).toEqual([A, B]);

    // ---- graceful stop: pending writes flushed, health.jsonl compacted to a snapshot.
    const stopped = await second.child.kill('SIGTERM');
    expect(stopped.code).toBe(0);
    const firstLine = JSON.parse((await fs.readFile(healthFile, 'utf8')).split('\n')[0]!) as { kind: string };
    expect(firstLine.kind).toBe('snapshot');

    const third = await startServer(home, configFile);
    expect((await health(third)).restored).toEqual([]); // A healed; nothing left to restore
    expect((await chat(third, 'disabled', 'disable-1')).key).toBe(B);
    expect((await chat(third, 'plain')).key).toBe(A);
  }, 20_000);
});
