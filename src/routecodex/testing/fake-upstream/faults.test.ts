import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeUpstream } from './server.js';
import { ALL_PROTOCOLS, at, dataOf, parseSse, post, postRawChunks, readSse, requestFor, type TestProtocol } from './test-support.js';
import type { FakeUpstream } from './types.js';
import type { FakeFault } from './script.js';

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream();
});
afterAll(() => up.close());
beforeEach(() => up.reset());

const TEXT = 'abcdefghijklmnopqrstuvwx'; // three 8-character deltas

function faultFor(protocol: TestProtocol, fault: FakeFault): void {
  up.addRules({ match: { protocol }, reply: { text: TEXT, fault } });
}

async function streamFrom(protocol: TestProtocol, signal?: AbortSignal): Promise<Awaited<ReturnType<typeof readSse>>> {
  const { path, body } = requestFor(protocol, true);
  const res = await post(up.url, path, body, signal ? { signal } : {});
  expect(res.status).toBe(200);
  return readSse(res);
}

describe('stream faults', () => {
  it('hangBeforeHeaders never answers', async () => {
    faultFor('openai', { hangBeforeHeaders: true });
    const { path, body } = requestFor('openai', false);
    await expect(post(up.url, path, body, { signal: AbortSignal.timeout(300) })).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(await up.waitForRequests(1, 1000)).toHaveLength(1);
  });

  it('hangAfterEvents streams K events then stays silent', async () => {
    for (const p of ALL_PROTOCOLS) faultFor(p, { hangAfterEvents: 2 });
    const reads = await Promise.all(ALL_PROTOCOLS.map((p) => streamFrom(p, AbortSignal.timeout(500))));
    for (const read of reads) {
      expect(read.events).toHaveLength(2);
      expect(read.error).toMatchObject({ name: 'TimeoutError' });
    }
  });

  it('hangAfterEvents 0 sends the headers and nothing else', async () => {
    faultFor('gemini', { hangAfterEvents: 0 });
    const read = await streamFrom('gemini', AbortSignal.timeout(500));
    expect(read.raw).toBe('');
    expect(read.error).toMatchObject({ name: 'TimeoutError' });
  });

  it('cutAfterEvents delivers exactly K events, then the connection drops', async () => {
    for (const p of ALL_PROTOCOLS) faultFor(p, { cutAfterEvents: 3 });
    for (const p of ALL_PROTOCOLS) {
      const read = await streamFrom(p);
      expect(read.events, p).toHaveLength(3);
      expect(read.error, p).toBeDefined();
    }
  });

  it('malformedAfterEvents sends K events, a broken data line, then ends cleanly', async () => {
    for (const p of ALL_PROTOCOLS) faultFor(p, { malformedAfterEvents: 2 });
    for (const p of ALL_PROTOCOLS) {
      const read = await streamFrom(p);
      expect(read.error, p).toBeUndefined();
      expect(read.events.map((e) => e.data).slice(2), p).toEqual(['{this is not json']);
      expect(() => dataOf(read.events.slice(0, 2)), p).not.toThrow();
    }
  });

  it("inBandErrorAfterEvents sends K events then the protocol's error event", async () => {
    for (const p of ALL_PROTOCOLS) faultFor(p, { inBandErrorAfterEvents: 2, status: 503, message: 'boom' });
    const last: Record<string, { event?: string; data: unknown }> = {};
    for (const p of ALL_PROTOCOLS) {
      const read = await streamFrom(p);
      expect(read.error, p).toBeUndefined();
      expect(read.events, p).toHaveLength(3);
      const ev = read.events[2];
      last[p] = { event: ev?.event, data: JSON.parse(ev?.data ?? 'null') };
    }
    expect(last.openai).toEqual({ event: undefined, data: { error: { message: 'boom', type: 'server_error', code: null } } });
    expect(last.responses?.event).toBe('response.failed');
    expect(last.responses?.data).toMatchObject({
      type: 'response.failed',
      sequence_number: 2,
      response: { status: 'failed', error: { code: 'server_error', message: 'boom' } },
    });
    expect(last.anthropic).toEqual({ event: 'error', data: { type: 'error', error: { type: 'api_error', message: 'boom' } } });
    expect(last.gemini).toEqual({ event: undefined, data: { error: { code: 503, message: 'boom', status: 'UNAVAILABLE' } } });
  });

  it('resetConnection destroys the socket before any response', async () => {
    faultFor('anthropic', { resetConnection: true });
    const { path, body } = requestFor('anthropic', false);
    await expect(post(up.url, path, body)).rejects.toThrow();
    expect(up.requests()).toHaveLength(1);
  });
});

describe('faults on non-streaming requests', () => {
  it('treat the JSON body as one event', async () => {
    const { path, body } = requestFor('openai', false);
    up.addRules(
      { times: 1, reply: { fault: { cutAfterEvents: 0 } } },
      { times: 1, reply: { fault: { malformedAfterEvents: 0 } } },
      { times: 1, reply: { fault: { inBandErrorAfterEvents: 0, message: 'inline' } } },
    );
    const cut = await post(up.url, path, body);
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow();
    expect(await (await post(up.url, path, body)).text()).toBe('{this is not json');
    const inline = await post(up.url, path, body);
    expect(inline.status).toBe(200);
    expect(await inline.json()).toMatchObject({ error: { message: 'inline' } });
  });

  it('a status fault may carry its own body and headers', async () => {
    up.addRules({ reply: { fault: { status: 503, body: '<html>bad gateway</html>', headers: { 'X-Fake': 'yes' } } } });
    const { path, body } = requestFor('gemini', false);
    const res = await post(up.url, path, body);
    expect(res.status).toBe(503);
    expect(res.headers.get('x-fake')).toBe('yes');
    expect(await res.text()).toBe('<html>bad gateway</html>');
  });
});

describe('timing and framing', () => {
  it('waits latencyMs before the headers (per reply and server-wide)', async () => {
    up.addRules({ match: { protocol: 'openai' }, reply: { latencyMs: 120 } });
    const { path, body } = requestFor('openai', false);
    let t0 = performance.now();
    await post(up.url, path, body);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    const slow = await startFakeUpstream({ latencyMs: 120 });
    try {
      t0 = performance.now();
      await post(slow.url, path, body);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(110);
    } finally {
      await slow.close();
    }
  });

  it('waits chunkDelayMs between events', async () => {
    up.addRules({ reply: { text: TEXT, chunkDelayMs: 40 } });
    const t0 = performance.now();
    const read = await streamFrom('anthropic');
    expect(read.events.length).toBeGreaterThan(5);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(40 * (read.events.length - 1) - 10);
  });

  it('byteChunkSize writes raw slices that cut multi-byte characters', async () => {
    const text = '€uro ünïcödé 𝄞 ok';
    up.addRules({ reply: { text, chunkSize: 4, byteChunkSize: 7, chunkDelayMs: 1 } });
    const { path, body } = requestFor('openai', true);
    const chunks = await postRawChunks(up.url, path, body);
    expect(chunks.length).toBeGreaterThan(10);
    const strict = new TextDecoder('utf-8', { fatal: true });
    const splitInside = chunks.filter((c) => {
      try {
        strict.decode(c);
        return false;
      } catch {
        return true;
      }
    });
    expect(splitInside.length).toBeGreaterThan(0);
    const events = parseSse(Buffer.concat(chunks).toString('utf8'));
    const content = dataOf(events).map((c) => at(c, 'choices', 0, 'delta', 'content') ?? '').join('');
    expect(content).toBe(text);
  });
});

describe('close()', () => {
  it('returns promptly with a hung request open', async () => {
    const local = await startFakeUpstream({ script: { rules: [{ reply: { fault: { hangBeforeHeaders: true } } }] } });
    const { path, body } = requestFor('responses', true);
    const pending = post(local.url, path, body);
    const settled = pending.then(
      () => 'resolved',
      () => 'rejected',
    );
    await local.waitForRequests(1, 2000);
    const t0 = performance.now();
    await local.close();
    expect(performance.now() - t0).toBeLessThan(500);
    expect(await settled).toBe('rejected');
  });
});
