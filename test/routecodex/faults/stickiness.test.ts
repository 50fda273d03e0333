/**
 * Session stickiness over three equal targets (one round-robin pool): a session keeps its target while
 * it is healthy; the first failure of that target moves the session (that very request is served by
 * another target) and the session stays on its new target; the routing state shows the pin.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../../helpers/gateway-harness.js';
import { A, API_KEY, B, C, INBOUND, resetAll, send, startFaultHarness } from '../../helpers/fault-harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startFaultHarness({ defaultRoute: ['pa.ma', 'pb.mb', 'pc.mc'] });
});
afterAll(async () => h.close());
beforeEach(async () => {
  await resetAll(h);
  h.fake.setScript({ rules: [{ reply: { text: 'turn answer' } }] });
});

async function pinOf(session: string): Promise<string | undefined> {
  const res = await fetch(`${h.gateway.url}/manager/state/routing/${encodeURIComponent(session)}`);
  if (res.status !== 200) return undefined;
  const body = (await res.json()) as { state: { pins: Record<string, string> } };
  return body.state.pins.default;
}

function tally(keys: Array<string | null>): Map<string | null, number> {
  const m = new Map<string | null, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
}

describe.each(INBOUND)('%s client', (inbound) => {
  it('a 100-turn session stays on one target while all are healthy; the pin is visible', async () => {
    const session = `sess-100-${inbound}`;
    const other = `sess-other-${inbound}`;
    const served: Array<string | null> = [];
    for (let turn = 0; turn < 100; turn++) {
      const r = await send(h, inbound, turn % 2 === 1, { headers: { 'x-session-id': session }, prompt: `turn ${turn}` });
      expect(r.status).toBe(200);
      served.push(r.providerKey);
      // Interleave another session: it advances the rotation, and may land elsewhere.
      if (turn % 10 === 0) expect((await send(h, inbound, false, { headers: { 'x-session-id': other } })).status).toBe(200);
    }
    const counts = tally(served);
    const [top, n] = [...counts.entries()].sort((x, y) => y[1] - x[1])[0]!;
    expect(n).toBeGreaterThanOrEqual(95);
    expect([A, B, C]).toContain(top);
    expect(await pinOf(session)).toBe(top);
  });

  it('the first failure of the pinned target moves the session, which then stays on its new target', async () => {
    const session = `sess-move-${inbound}`;
    const first = await send(h, inbound, false, { headers: { 'x-session-id': session } });
    const pinned = first.providerKey!;
    for (let i = 0; i < 3; i++) expect((await send(h, inbound, false, { headers: { 'x-session-id': session } })).providerKey).toBe(pinned);
    expect(await pinOf(session)).toBe(pinned);

    const seenBefore = h.fake.requests().length;
    h.fake.setScript({ rules: [{ match: { apiKey: API_KEY[pinned]! }, reply: { fault: { status: 500 } } }, { reply: { text: 'turn answer' } }] });
    const moved = await send(h, inbound, true, { headers: { 'x-session-id': session } });
    expect(moved.status).toBe(200);
    expect(moved.attempts).toBe(2);
    expect(moved.providerKey).not.toBe(pinned);
    const next = moved.providerKey!;

    const after: Array<string | null> = [];
    for (let i = 0; i < 10; i++) {
      const r = await send(h, inbound, i % 2 === 0, { headers: { 'x-session-id': session } });
      expect(r.status).toBe(200);
      expect(r.attempts).toBe(1);
      after.push(r.providerKey);
    }
    expect(after).toEqual(Array<string>(10).fill(next));
    expect(await pinOf(session)).toBe(next);
    // The failed target saw exactly one request after it started failing (no retry of the stale pin).
    expect(h.fake.requests().slice(seenBefore).filter((q) => q.apiKey === API_KEY[pinned]).length).toBe(1);
  });
});
