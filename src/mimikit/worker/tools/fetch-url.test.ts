import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deferred, makeTempWork, toolContext, type TempWork } from '../test-support.js';
import { htmlToText } from './fetch-url.js';
import { defaultToolRegistry } from './registry.js';
import type { ToolContext } from './types.js';

const registry = defaultToolRegistry();

describe('fetch_url tool', () => {
  let work: TempWork;
  let server: http.Server;
  let base: string;
  let ctx: ToolContext;
  let hangHit = deferred<void>();
  const fetchTool = (args: unknown, c: ToolContext = ctx) => registry.execute('fetch_url', JSON.stringify(args), c);

  beforeEach(async () => {
    work = await makeTempWork();
    ctx = toolContext(work, { fetchTimeoutMs: 500, fetchMaxBytes: 1_000 });
    hangHit = deferred<void>();
    server = http.createServer((req, res) => {
      switch (req.url) {
        case '/page':
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          res.end('<html><head><style>p{}</style><script>alert(1)</script></head><body><h1>Title</h1><p>Fish &amp; chips&#33;</p></body></html>');
          return;
        case '/json':
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"a":1}');
          return;
        case '/big':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end('x'.repeat(5_000));
          return;
        case '/moved':
          res.writeHead(302, { location: '/json' });
          res.end();
          return;
        case '/image':
          res.writeHead(200, { 'content-type': 'image/png' });
          res.end(Buffer.alloc(50));
          return;
        case '/hang':
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('partial');
          hangHit.resolve();
          return; // never ends
        default:
          res.writeHead(404, { 'content-type': 'text/plain' });
          res.end('no such page');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    await work.cleanup();
  });

  it('returns status, content type and HTML reduced to text', async () => {
    expect(await fetchTool({ url: `${base}/page` })).toEqual({ ok: true, content: 'status: 200\ncontent-type: text/html; charset=utf-8\n\nTitle\nFish & chips!' });
    expect(await fetchTool({ url: `${base}/json` })).toEqual({ ok: true, content: 'status: 200\ncontent-type: application/json\n\n{"a":1}' });
  });

  it('follows redirects, reports error statuses and hides binary bodies', async () => {
    expect((await fetchTool({ url: `${base}/moved` })).content).toMatch(/^status: 200\n.*\n\n\{"a":1\}$/);
    expect(await fetchTool({ url: `${base}/nope` })).toEqual({ ok: false, content: 'status: 404\ncontent-type: text/plain\n\nno such page' });
    expect((await fetchTool({ url: `${base}/image` })).content).toMatch(/50 bytes of image\/png not shown/);
  });

  it('caps the body at max_bytes and never above the limit', async () => {
    const small = await fetchTool({ url: `${base}/big`, max_bytes: 10 });
    expect(small.content).toBe('status: 200\ncontent-type: text/plain\n\nxxxxxxxxxx\n… [body cut at 10 bytes]');
    const capped = await fetchTool({ url: `${base}/big`, max_bytes: 1_000_000 });
    expect(capped.content).toContain(`${'x'.repeat(1_000)}\n… [body cut at 1000 bytes]`);
  });

  it('refuses other schemes and bad URLs, and times out', async () => {
    expect(await fetchTool({ url: 'file:///etc/passwd' })).toEqual({ ok: false, content: 'only http and https URLs can be fetched, not file:' });
    expect(await fetchTool({ url: 'not a url' })).toEqual({ ok: false, content: 'not a valid URL: not a url' });
    expect(await fetchTool({ url: `${base}/hang` })).toEqual({ ok: false, content: `fetch of ${base}/hang timed out after 500 ms` });
  });

  it('stops when the task is aborted', async () => {
    const controller = new AbortController();
    const running = fetchTool({ url: `${base}/hang` }, toolContext(work, { fetchTimeoutMs: 60_000 }, controller.signal));
    await hangHit.promise;
    controller.abort();
    expect(await running).toEqual({ ok: false, content: 'fetch aborted: the task was stopped' });
  });

  it('htmlToText decodes entities and keeps block breaks', () => {
    expect(htmlToText('<div>a&lt;b</div><div>c&#x41;&nbsp;d<br>e</div><!-- x -->')).toBe('a<b\ncA d\ne');
  });
});
