/**
 * Every /api endpoint over a real port, the runtime behind it backed by the fake upstream through a real
 * RouteCodex: the answers, their shapes, and every error (400, 404, 409, 304, 413, 415, 503).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../harness.js';
import { rawRequest, serve, todayHistoryFile, type Served } from './support.js';

let s: Served | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const BASE = Date.now() - 60_000;
const at = (offsetMs: number) => new Date(BASE + offsetMs).toISOString();

async function seedHistory(workDir: string): Promise<void> {
  const lines = [
    { id: 'u-seed-1', role: 'user', text: 'Hello <M:not_hidden/> as typed', createdAt: at(1) },
    { id: 'sys-seed-agent', role: 'system', visibility: 'agent', text: 'agent-only note', createdAt: at(2) },
    { id: 'sys-seed-user', role: 'system', visibility: 'user', text: 'Task done · Report\n\n<M:system_event name="task_completed" version="1">{"task_id":"t-1"}</M:system_event>', createdAt: at(3) },
    { id: 'sys-seed-novis', role: 'system', text: 'no visibility: the agent only', createdAt: at(4) },
    { id: 'sys-seed-empty', role: 'system', visibility: 'all', text: '<M:system_event name="x" version="1">{}</M:system_event>', createdAt: at(5) },
    { id: 'agent-seed', role: 'agent', text: '**Reply** here', createdAt: at(6), usage: { input: 1200, output: 34 }, elapsedMs: 1500 },
  ];
  await fs.mkdir(path.join(workDir, 'history'), { recursive: true });
  await fs.writeFile(path.join(workDir, 'history', todayHistoryFile()), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
}

interface MessageBody {
  messages: Array<{ id: string; role: string; text: string; pending?: boolean; usage?: unknown; elapsedMs?: number }>;
}

describe('GET /api/status', () => {
  it('answers the runtime status with an ETag; If-None-Match → 304 with an empty body; a change → a new ETag', async () => {
    s = await serve();
    const res = await s.api('/api/status');
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ ok: true, runtimeId: s.runtime.runtimeId, agentStatus: 'idle', managerRunning: false, pendingInputs: 0, tasks: { pending: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 }, maxWorkers: 3 });
    expect(Number(res.headers.get('x-mimikit-seq'))).toBe(s.runtime.events.lastSeq);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^W\/"/);

    const cached = await s.api('/api/status', { headers: { 'if-none-match': etag! } });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe('');

    s.h.script([{ reply: { text: 'Slow.', latencyMs: 400 } }]);
    await s.runtime.addInput({ text: 'change the status' });
    const changed = await s.api('/api/status', { headers: { 'if-none-match': etag! } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });
});

describe('POST /api/input', () => {
  it('accepts {text, quote, client fields}: the id is durable and the manager answers it', async () => {
    s = await serve();
    s.h.script([{ match: { contains: 'PING-1' }, reply: { text: 'Pong.' } }]);
    const res = await s.api('/api/input', { method: 'POST', json: { text: 'PING-1', quote: 'agent-x', clientTimeZone: 'Asia/Shanghai', clientNowIso: '2026-02-21T10:00:00+08:00', clientLocale: 'zh-CN' } });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^u-/);
    const packets = await fs.readFile(path.join(s.h.workDir, 'inputs', 'packets.jsonl'), 'utf8');
    expect(packets).toContain(id);
    expect(packets).toContain('"timeZone":"Asia/Shanghai"');
    await until(s.runtime, async () => (await s!.runtime.messages()).some((m) => m.text === 'Pong.'), 'the reply');
  });

  it('bad input → 400 naming the field; malformed JSON → 400; nothing is appended', async () => {
    s = await serve();
    const cases: Array<[unknown, RegExp]> = [
      [{ text: '' }, /^text: must not be empty$/],
      [{}, /^text: /],
      [{ text: 'hi', nope: true }, /^nope: unknown field$/],
      [{ text: 'hi', clientTimeZone: 'Nowhere/Land' }, /^clientTimeZone: not an IANA time zone$/],
      [{ text: 'hi', clientNowIso: 'soon' }, /^clientNowIso: /],
      [['text'], /^body: must be a JSON object$/],
    ];
    for (const [json, error] of cases) {
      const res = await s.api('/api/input', { method: 'POST', json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(error);
    }
    const malformed = await s.api('/api/input', { method: 'POST', body: '{"text": "hi"', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: string }).error).toMatch(/^invalid JSON/);
    const empty = await s.api('/api/input', { method: 'POST', headers: { 'content-type': 'application/json' } });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: string }).error).toMatch(/^body: /);
    await expect(fs.readFile(path.join(s.h.workDir, 'inputs', 'packets.jsonl'), 'utf8').catch(() => '')).resolves.toBe('');
  });

  it('a body over the limit → 413; a non-JSON type → 415 (with the custom header) — JSON errors, no stack', async () => {
    s = await serve({ http: { bodyLimit: 1024 } });
    const big = await s.api('/api/input', { method: 'POST', json: { text: 'x'.repeat(5000) } });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: 'request body is too large' });
    const plain = await s.api('/api/input', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain', 'x-mimikit-request': '1' } });
    expect(plain.status).toBe(415);
    expect(((await plain.json()) as { error: string }).error).toMatch(/application\/json/);
  });

  it('503 while the runtime stops', async () => {
    s = await serve();
    await s.runtime.stop();
    const res = await s.api('/api/input', { method: 'POST', json: { text: 'too late' } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { error: string }).error).toMatch(/restarting/);
  });
});

describe('GET /api/messages', () => {
  it('shows non-system messages and user/all system messages, hidden tags stripped; limit normalized; ETag/304', async () => {
    s = await serve({ prepare: seedHistory });
    const res = await s.api('/api/messages');
    expect(res.status).toBe(200);
    const { messages } = (await res.json()) as MessageBody;
    expect(messages.map((m) => m.id)).toEqual(['u-seed-1', 'sys-seed-user', 'agent-seed', `sys-startup-${s.runtime.runtimeId}`]);
    expect(messages[0]!.text).toBe('Hello <M:not_hidden/> as typed'); // the user's own text is shown as typed
    expect(messages[1]!.text).toBe('Task done · Report');
    expect(messages[2]).toMatchObject({ role: 'agent', text: '**Reply** here', usage: { input: 1200, output: 34 }, elapsedMs: 1500 });
    expect(JSON.stringify(messages)).not.toContain('<M:system_event');

    const two = (await (await s.api('/api/messages?limit=2')).json()) as MessageBody;
    expect(two.messages.map((m) => m.id)).toEqual(['agent-seed', `sys-startup-${s.runtime.runtimeId}`]);
    for (const bad of ['abc', '-3', '0', '']) {
      const all = (await (await s.api(`/api/messages?limit=${bad}`)).json()) as MessageBody;
      expect(all.messages, bad).toHaveLength(4);
    }

    const etag = res.headers.get('etag')!;
    expect((await s.api('/api/messages', { headers: { 'if-none-match': etag } })).status).toBe(304);
    await s.runtime.notify('test_note', 'A new note');
    const after = await s.api('/api/messages', { headers: { 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(((await after.json()) as MessageBody).messages.at(-1)?.text).toBe('A new note');
  });

  it('clamps a huge limit to 500', async () => {
    const many = Array.from({ length: 520 }, (_, i) => JSON.stringify({ id: `u-many-${i}`, role: 'user', text: `m${i}`, createdAt: at(i) }));
    s = await serve({
      prepare: async (workDir) => {
        await fs.mkdir(path.join(workDir, 'history'), { recursive: true });
        await fs.writeFile(path.join(workDir, 'history', todayHistoryFile()), many.join('\n') + '\n');
      },
    });
    const body = (await (await s.api('/api/messages?limit=100000')).json()) as MessageBody;
    expect(body.messages).toHaveLength(500);
    expect(body.messages.at(-1)?.id).toBe(`sys-startup-${s.runtime.runtimeId}`);
  });
});

describe('GET /api/messages/export', () => {
  it('is a markdown download, one section per message with role and time, no hidden tags', async () => {
    s = await serve({ prepare: seedHistory });
    const res = await s.api('/api/messages/export?limit=3');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="mimikit-chat-\d{8}-\d{6}\.md"$/);
    const text = await res.text();
    expect(text).toMatch(/^# mimikit chat\n/);
    expect(text).toContain('3 messages');
    expect(text).toContain(`## System · ${at(3)}\n\nTask done · Report\n`);
    expect(text).toContain(`## Agent · ${at(6)}\n\n**Reply** here\n`);
    expect(text).not.toContain('Hello <M:not_hidden/>'); // outside the limit
    expect(text).not.toContain('<M:system_event');
  });
});

describe('tasks', () => {
  it('list, archive, progress and cancel — with 400 bad id, 404 unknown, 409 already done / canceled', async () => {
    s = await serve();
    s.h.script([
      { match: { contains: 'HANG-JOB' }, times: 1, reply: { fault: { hangBeforeHeaders: true } } },
      { match: { contains: 'QUICK-JOB' }, reply: { text: 'quick result' } },
      { match: { contains: 'TWO-TASKS' }, times: 1, reply: { text: 'Starting two.\n<M:create_task prompt="QUICK-JOB now" title="Quick" profile="standard"/>\n<M:create_task prompt="HANG-JOB now" title="Hang" profile="specialist"/>' } },
      { reply: { text: 'Noted.' } },
    ]);
    await s.api('/api/input', { method: 'POST', json: { text: 'TWO-TASKS' } });
    await until(s.runtime, () => s!.runtime.tasks().length === 2, 'two tasks');
    const quick = s.runtime.tasks().find((t) => t.title === 'Quick')!;
    const hang = s.runtime.tasks().find((t) => t.title === 'Hang')!;
    await until(s.runtime, () => s!.runtime.task(quick.id)?.status === 'succeeded' && s!.runtime.task(hang.id)?.status === 'running', 'quick done, hang running');

    const list = await s.api('/api/tasks');
    expect(list.status).toBe(200);
    const body = (await list.json()) as { tasks: Array<{ id: string; status: string; profile: string }>; counts: Record<string, number> };
    expect(body.tasks.map((t) => [t.id, t.status, t.profile]).sort()).toEqual([[quick.id, 'succeeded', 'standard'], [hang.id, 'running', 'specialist']].sort());
    expect(body.counts).toMatchObject({ running: 1, succeeded: 1 });
    expect(((await (await s.api('/api/tasks?limit=1')).json()) as { tasks: unknown[] }).tasks).toHaveLength(1);
    expect(((await (await s.api('/api/tasks?limit=zero')).json()) as { tasks: unknown[] }).tasks).toHaveLength(2);

    const archive = await s.api(`/api/tasks/${quick.id}/archive`);
    expect(archive.status).toBe(200);
    expect(archive.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    const markdown = await archive.text();
    expect(markdown).toMatch(/^---\n/);
    expect(markdown).toContain('QUICK-JOB now');
    expect(markdown).toContain('quick result');
    const live = await (await s.api(`/api/tasks/${hang.id}/archive`)).text(); // unfinished: the live document
    expect(live).toContain('HANG-JOB now');

    const progress = await s.api(`/api/tasks/${quick.id}/progress`);
    expect(progress.status).toBe(200);
    const events = (await progress.json()) as { taskId: string; events: Array<{ taskId: string; type: string }> };
    expect(events.taskId).toBe(quick.id);
    expect(events.events.length).toBeGreaterThan(0);
    expect(events.events.every((e) => e.taskId === quick.id)).toBe(true);

    const cancel = (id: string) => s!.api(`/api/tasks/${id}/cancel`, { method: 'POST', headers: { 'x-mimikit-request': '1' } });
    const canceled = await cancel(hang.id);
    expect(canceled.status).toBe(200);
    expect(await canceled.json()).toEqual({ ok: true, status: 'canceled', taskId: hang.id });
    await until(s.runtime, () => s!.runtime.task(hang.id)?.status === 'canceled', 'the hang task canceled');
    const again = await cancel(hang.id);
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({ error: 'already_canceled' });
    const done = await cancel(quick.id);
    expect(done.status).toBe(409);
    expect(await done.json()).toEqual({ error: 'already_done' });

    for (const [route, method] of [['cancel', 'POST'], ['archive', 'GET'], ['progress', 'GET']] as const) {
      const unknown = route === 'cancel' ? await cancel('t-nope-9') : await s.api(`/api/tasks/t-nope-9/${route}`);
      expect(unknown.status, `${method} ${route} unknown`).toBe(404);
      expect(((await unknown.json()) as { error: string }).error).toMatch(/not.found/);
      for (const bad of ['a.b', 'has%20space', 'x'.repeat(129), '%2e%2e', '..%2F..%2Fetc']) {
        const res = await rawRequest(s.url, `/api/tasks/${bad}/${route}`, { method, headers: { 'x-mimikit-request': '1' } });
        expect(res.status, `${method} ${route} ${bad}`).toBe(400);
        expect((JSON.parse(res.body) as { error: string }).error).toMatch(/^id: /);
      }
    }
  });
});

describe('POST /api/restart and /api/reset', () => {
  for (const action of ['restart', 'reset'] as const) {
    it(`${action}: answers 200 first, then asks the owner to ${action} (which closes the server at once)`, async () => {
      s = await serve();
      const reasons: string[] = [];
      const served = s;
      s.runtime.onExit((reason) => {
        reasons.push(reason);
        void served.server.close(); // what the CLI does first: a response not yet sent would be lost
      });
      const res = await s.api(`/api/${action}`, { method: 'POST', json: {} });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, action, runtimeId: s.runtime.runtimeId });
      await until(s.runtime, () => reasons.length > 0, 'the exit request', 2_000);
      expect(reasons).toEqual([action]);
    });
  }
});

describe('errors and the WebUI files', () => {
  it('unknown routes → 404 JSON; the page and its modules are served; no path leaves the WebUI folder', async () => {
    s = await serve();
    for (const [method, route] of [['GET', '/api/nope'], ['POST', '/api/nope'], ['GET', '/nope'], ['GET', '/api/tasks/x/other'], ['DELETE', '/api/status']] as const) {
      const res = await s.api(route, { method, headers: { 'x-mimikit-request': '1' } });
      expect(res.status, `${method} ${route}`).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await res.json()) as { error: string }).error).toMatch(/^not found/);
    }
    const page = await s.api('/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(await page.text()).toContain('<script type="module" src="/ui/app.js">');
    for (const file of ['/ui/app.js', '/ui/styles.css', '/vendor/marked.js', '/vendor/purify.js']) {
      const res = await s.api(file);
      expect(res.status, file).toBe(200);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
    expect((await s.api('/ui/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await s.api('/vendor/marked.js')).text()).toContain('export{');
    for (const bad of ['/ui/..%2F..%2Fpackage.json', '/ui/%2e%2e%2fhttp%2fserver.ts', '/ui/app.test.ts', '/ui/.hidden.js', '/vendor/..%2Fpackage.json', '/vendor/zod.js']) {
      const res = await s.api(bad);
      expect(res.status, bad).toBe(404);
      expect(await res.text()).not.toContain('"name"');
    }
  });
});
