/**
 * Responses `previous_response_id`: the gateway keeps each conversation, so a continuation works on any
 * upstream (replayed as full input) and reaches a Responses upstream as-is only when it produced it.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type GatewayHarness } from '../helpers/gateway-harness.js';

let h: GatewayHarness;
let client: OpenAI;
beforeAll(async () => {
  h = await startHarness();
  client = new OpenAI({ baseURL: `${h.gateway.url}/v1`, apiKey: 'x', maxRetries: 0 });
});
afterAll(async () => h.close());
beforeEach(() => h.fake.reset());

describe('previous_response_id', () => {
  it('replays the stored conversation to a non-Responses upstream', async () => {
    h.fake.setScript({ rules: [{ match: { contains: 'first' }, reply: { text: 'ANSWER-ONE' } }, { reply: { text: 'ANSWER-TWO' } }] });
    const r1 = await client.responses.create({ model: 'an.claude-test', input: 'first question' });
    expect(r1.id).toMatch(/^resp_/);
    const r2 = await client.responses.create({ model: 'an.claude-test', input: 'second question', previous_response_id: r1.id });
    expect(r2.output_text).toBe('ANSWER-TWO');
    const sent = JSON.stringify(h.fake.requests()[1]!.body);
    expect(sent).toContain('first question');
    expect(sent).toContain('ANSWER-ONE');
    expect(sent).toContain('second question');
    expect(sent).not.toContain('previous_response_id');
  });

  it('passes the id through to the Responses upstream that produced it', async () => {
    const r1 = await client.responses.create({ model: 'rs.resp-test', input: 'hello' });
    await client.responses.create({ model: 'rs.resp-test', input: 'again', previous_response_id: r1.id });
    const second = h.fake.requests()[1]!.body as Record<string, unknown>;
    expect(second.previous_response_id).toBe(r1.id);
    expect(second.input).toBe('again');
  });

  it('expands the conversation when a continuation moves to another upstream', async () => {
    const r1 = await client.responses.create({ model: 'rs.resp-test', input: 'hello there' });
    await client.responses.create({ model: 'oa.gpt-test', input: 'and now', previous_response_id: r1.id });
    const sent = JSON.stringify(h.fake.requests()[1]!.body);
    expect(sent).toContain('hello there');
    expect(sent).toContain('and now');
  });

  it('an unknown id is a clear 400', async () => {
    await expect(client.responses.create({ model: 'oa.gpt-test', input: 'x', previous_response_id: 'resp_unknown' })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/previous_response_id "resp_unknown" is not known/),
    });
  });
});
