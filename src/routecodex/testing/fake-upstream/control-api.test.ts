import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream } from './server.js';
import { at, post, requestFor } from './test-support.js';
import type { FakeUpstream, RecordedRequest } from './types.js';

let up: FakeUpstream;
beforeAll(async () => {
  up = await startFakeUpstream();
});
afterAll(() => up.close());

async function chat(): Promise<{ status: number; text: unknown }> {
  const { path, body } = requestFor('openai', false);
  const res = await post(up.url, path, body);
  return { status: res.status, text: at(await res.json(), 'choices', 0, 'message', 'content') };
}

describe('control API', () => {
  it('replaces the script, prepends rules, lists requests and resets', async () => {
    const set = await post(up.url, '/_fake/script', { rules: [{ reply: { text: 'scripted' } }] });
    expect(await set.json()).toEqual({ ok: true, rules: 1 });
    expect((await chat()).text).toBe('scripted');

    expect((await post(up.url, '/_fake/rules', [{ times: 1, reply: { text: 'first' } }])).status).toBe(200);
    expect((await post(up.url, '/_fake/rules', { rules: [{ times: 1, reply: { text: 'zeroth' } }] })).status).toBe(200);
    expect([(await chat()).text, (await chat()).text, (await chat()).text]).toEqual(['zeroth', 'first', 'scripted']);

    const listed = (await (await fetch(`${up.url}/_fake/requests`)).json()) as RecordedRequest[];
    expect(listed).toHaveLength(4);
    expect(listed[0]).toMatchObject({ protocol: 'openai', path: '/v1/chat/completions', model: 'test-model' });

    expect(await (await post(up.url, '/_fake/reset', {})).json()).toEqual({ ok: true });
    expect(await (await fetch(`${up.url}/_fake/requests`)).json()).toEqual([]);
    expect((await chat()).text).toMatch(/^Hello from the fake openai upstream/);
  });

  it('rejects a bad script with 400 and the zod issue paths', async () => {
    const res = await post(up.url, '/_fake/script', {
      rules: [{ reply: { text: 'ok' } }, { match: { protocol: 'cohere' }, times: 0, reply: { chunkSize: 'big' } }],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { message: string; issues: Array<{ path: string; message: string }> } };
    expect(body.error.message).toBe('invalid fake script');
    expect(body.error.issues.map((i) => i.path).sort()).toEqual(['rules[1].match.protocol', 'rules[1].reply.chunkSize', 'rules[1].times']);
    const notJson = await post(up.url, '/_fake/rules', '{oops');
    expect(notJson.status).toBe(400);
    const unknown = await fetch(`${up.url}/_fake/nothing`);
    expect(unknown.status).toBe(404);
  });
});
