/**
 * The request guards over a real port: the API token (401), cross-site POSTs (403: content type / custom
 * header, Origin), DNS rebinding (403 for a foreign Host), the non-loopback bind refusal, and /artifacts/
 * serving only files inside <work-dir>/generated/ (traversal and symlinks out → 404).
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpConfigError, startHttpServer } from '../../../src/mimikit/http/index.js';
import { connectSse, rawRequest, serve, type Served } from './support.js';

let s: Served | undefined;
const cleanup: string[] = [];
afterEach(async () => {
  await s?.close();
  s = undefined;
  for (const dir of cleanup.splice(0)) await fs.rm(dir, { recursive: true, force: true });
});

const TOKEN = 'test-token-0123456789';

async function errorOf(res: Response): Promise<string> {
  return ((await res.json()) as { error: string }).error;
}

describe('API token', () => {
  it('with a token, /api/* needs the bearer token (401 otherwise); the page itself is public', async () => {
    s = await serve({ http: { token: TOKEN } });
    const none = await s.api('/api/status');
    expect(none.status).toBe(401);
    expect(await errorOf(none)).toMatch(/Authorization: Bearer/);
    expect((await s.api('/api/status', { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await s.api('/api/status', { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    expect((await s.api('/api/status', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await s.api('/api/input', { method: 'POST', json: { text: 'hi' } })).status).toBe(401);
    expect((await s.api('/api/restart', { method: 'POST', json: {} })).status).toBe(401);
    expect((await s.api('/')).status).toBe(200);
    expect((await s.api('/ui/app.js')).status).toBe(200);

    // ?token= is accepted only where the browser cannot send a header: EventSource and artifact links.
    expect((await s.api(`/api/status?token=${TOKEN}`)).status).toBe(401);
    const refused = await connectSse(`${s.url}/api/events`);
    expect(refused.status).toBe(401);
    const events = await connectSse(`${s.url}/api/events?token=${TOKEN}`);
    expect(events.status).toBe(200);
    await events.waitFor((e) => e.event === 'ready', 'ready');
    events.close();
  });

  it('a non-loopback host without a token is refused; with one it starts', async () => {
    s = await serve();
    await expect(startHttpServer(s.runtime, { host: '0.0.0.0', port: 0 })).rejects.toThrow(HttpConfigError);
    await expect(startHttpServer(s.runtime, { host: '0.0.0.0', port: 0, token: '  ' })).rejects.toThrow(/needs MIMIKIT_API_TOKEN/);
    const open = await startHttpServer(s.runtime, { host: '0.0.0.0', port: 0, token: TOKEN });
    try {
      const res = await fetch(`${open.url.replace('0.0.0.0', '127.0.0.1')}/api/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
    } finally {
      await open.close();
    }
  });
});

describe('cross-site requests', () => {
  it('a POST needs JSON or X-Mimikit-Request: 1, and a matching Origin when one is sent; refused ones change nothing', async () => {
    s = await serve();
    const exits: string[] = [];
    s.runtime.onExit((reason) => exits.push(reason));
    const forms: Array<Record<string, string>> = [{}, { 'content-type': 'text/plain' }, { 'content-type': 'application/x-www-form-urlencoded' }, { 'content-type': 'multipart/form-data; boundary=x' }, { 'x-mimikit-request': 'yes' }];
    for (const headers of forms) {
      for (const route of ['/api/restart', '/api/reset', '/api/input', '/api/tasks/t-1/cancel']) {
        const res = await s.api(route, { method: 'POST', headers, body: headers['content-type'] ? 'text=hi' : null });
        expect(res.status, `${route} ${JSON.stringify(headers)}`).toBe(403);
        expect(await errorOf(res)).toMatch(/^cross-site request refused/);
      }
    }
    for (const origin of ['http://evil.example', 'null', `${s.url.replace('127.0.0.1', 'localhost')}`, 'https://127.0.0.1:1']) {
      const res = await s.api('/api/input', { method: 'POST', json: { text: 'hi' }, headers: { origin } });
      expect(res.status, origin).toBe(403);
      expect(await errorOf(res)).toMatch(/Origin/);
    }
    expect(exits).toEqual([]);
    expect(await fs.readFile(path.join(s.h.workDir, 'inputs', 'packets.jsonl'), 'utf8').catch(() => '')).toBe('');

    expect((await s.api('/api/tasks/t-1/cancel', { method: 'POST', headers: { 'x-mimikit-request': '1' } })).status).toBe(404); // passed the guard
    expect((await s.api('/api/tasks/t-1/cancel', { method: 'POST', json: {}, headers: { origin: s.url } })).status).toBe(404);
    expect((await s.api('/api/input', { method: 'POST', json: { text: 'same origin' }, headers: { origin: s.url } })).status).toBe(200);
  });

  it('DNS rebinding: without a token, a request for another host name is refused', async () => {
    s = await serve();
    const { port } = new URL(s.url);
    for (const host of [`evil.example:${port}`, `192.168.1.5:${port}`, `127.0.0.1.evil.example:${port}`]) {
      const res = await rawRequest(s.url, '/api/messages', { headers: { host } });
      expect(res.status, host).toBe(403);
      expect(JSON.parse(res.body)).toMatchObject({ error: expect.stringMatching(/^host not allowed/) });
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'localhost']) {
      expect((await rawRequest(s.url, '/api/status', { headers: { host } })).status, host).toBe(200);
    }
  });
});

describe('/artifacts/', () => {
  it('serves files inside generated/ only (sandboxed); traversal, directories and symlinks out are 404', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'mimikit-outside-'));
    cleanup.push(outside);
    await fs.writeFile(path.join(outside, 'secret.txt'), 'SECRET');
    s = await serve({
      http: { token: TOKEN },
      prepare: async (workDir) => {
        const generated = path.join(workDir, 'generated');
        await fs.mkdir(path.join(generated, 'sub dir'), { recursive: true });
        await fs.writeFile(path.join(generated, 'report.md'), '# Report');
        await fs.writeFile(path.join(generated, 'sub dir', 'page.html'), '<script>alert(1)</script>');
        await fs.writeFile(path.join(workDir, 'config.yaml'), 'manager: {}\n');
        await fs.symlink(path.join(outside, 'secret.txt'), path.join(generated, 'link.txt'));
        await fs.symlink(outside, path.join(generated, 'linkdir'));
        await fs.symlink(path.join(generated, 'report.md'), path.join(generated, 'inner-link.md'));
      },
    });
    const auth = { authorization: `Bearer ${TOKEN}` };
    const ok = await rawRequest(s.url, '/artifacts/report.md', { headers: auth });
    expect(ok.status).toBe(200);
    expect(ok.body).toBe('# Report');
    expect(ok.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(ok.headers['content-security-policy']).toBe('sandbox');
    expect(ok.headers['x-content-type-options']).toBe('nosniff');
    const html = await rawRequest(s.url, '/artifacts/sub%20dir/page.html', { headers: auth });
    expect(html.status).toBe(200);
    expect(html.headers['content-security-policy']).toBe('sandbox');
    expect((await rawRequest(s.url, '/artifacts/inner-link.md', { headers: auth })).body).toBe('# Report');
    expect((await rawRequest(s.url, `/artifacts/report.md?token=${TOKEN}`)).status).toBe(200);
    expect((await rawRequest(s.url, '/artifacts/report.md')).status).toBe(401);

    for (const bad of ['/artifacts/link.txt', '/artifacts/linkdir/secret.txt', '/artifacts/..%2Fconfig.yaml', '/artifacts/%2e%2e/config.yaml', '/artifacts/../config.yaml', '/artifacts/sub%20dir', '/artifacts/', '/artifacts/missing.txt', `/artifacts/..%2F..%2F..%2F..%2F..%2F..%2F..%2F..${outside}%2Fsecret.txt`, '/artifacts/report.md%00.txt']) {
      const res = await rawRequest(s.url, bad, { headers: auth });
      expect(res.status, bad).toBe(404);
      expect(res.body).not.toContain('SECRET');
      expect(res.body).not.toContain('manager');
    }
  });
});
