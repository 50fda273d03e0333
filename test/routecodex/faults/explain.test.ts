/**
 * `POST /debug/route/explain` while target A is cooling: A is listed as filtered with a reason naming
 * the cooldown, the pick is another target, and no upstream is called.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../../helpers/gateway-harness.js';
import { A, B, C, INBOUND, healthOf, requestBody, resetAll, send, startFaultHarness } from '../../helpers/fault-harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startFaultHarness();
});
afterAll(async () => h.close());
beforeEach(async () => resetAll(h));

const PROTOCOL = { chat: 'openai-chat', responses: 'openai-responses', anthropic: 'anthropic-messages' } as const;

interface Explained {
  route: string;
  candidates: Array<{ providerKey: string; kept: boolean; reason?: string }>;
  pick: string | null;
}

describe.each(INBOUND)('%s request', (inbound) => {
  it('lists cooling A as filtered (reason mentions cooling), picks another target, calls no upstream', async () => {
    h.fake.setScript({ rules: [{ match: { apiKey: 'k-a' }, reply: { fault: { status: 429 } } }, { reply: { text: 'ok' } }] });
    expect((await send(h, inbound, false)).providerKey).toBe(B);
    expect((await healthOf(h))[A]!.state).toBe('cooling');
    const seen = h.fake.requests().length;

    const res = await fetch(`${h.gateway.url}/debug/route/explain?protocol=${PROTOCOL[inbound]}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(requestBody(inbound, 'default', 'explain me', false)),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Explained;
    expect(body.route).toBe('default');
    const a = body.candidates.find((c) => c.providerKey === A)!;
    expect(a.kept).toBe(false);
    expect(a.reason).toMatch(/cooling/);
    expect(body.candidates.filter((c) => c.kept).map((c) => c.providerKey)).toEqual([B, C]);
    expect(body.pick).not.toBe(A);
    expect(body.pick).toBe(B);
    expect(h.fake.requests()).toHaveLength(seen);
  });
});
