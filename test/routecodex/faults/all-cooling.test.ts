/**
 * Every target of the route out of service. `whenAllCooling: try-soonest` sends the request to the
 * target whose rate-limit/server cooldown ends first — never to a tripped auth target, even one whose
 * trip ends sooner; `whenAllCooling: fail` answers 503 in the client's protocol with Retry-After.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../../helpers/gateway-harness.js';
import type { FakeRule } from '../../../src/routecodex/testing/fake-upstream/index.js';
import { A, B, C, INBOUND, healthOf, isProtocolError, resetAll, seenWithKey, send, startFaultHarness } from '../../helpers/fault-harness.js';

const TEXT = 'Served while everything was cooling.';

/** One failing reply per target for the first request, then plain answers. */
function coolAll(h: GatewayHarness, faults: Record<'k-a' | 'k-b' | 'k-c', FakeRule['reply']['fault']>): void {
  const rules: FakeRule[] = Object.entries(faults).map(([apiKey, fault]) => ({ match: { apiKey }, times: 1, reply: { ...(fault ? { fault } : {}) } }));
  h.fake.setScript({ rules: [...rules, { reply: { text: TEXT } }] });
}

async function primeAllCooling(h: GatewayHarness, inbound: (typeof INBOUND)[number], stream: boolean) {
  const first = await send(h, inbound, stream);
  expect(first.attempts).toBe(3);
  expect(first.status).toBe(429); // the last failure speaks: C's 429, with its Retry-After
  expect(first.headers.get('retry-after')).not.toBeNull();
  expect(h.fake.requests()).toHaveLength(3);
}

describe('whenAllCooling: try-soonest', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startFaultHarness({ health: { whenAllCooling: 'try-soonest', fatalCooldownMs: 8_000 } });
  });
  afterAll(async () => h.close());
  beforeEach(async () => resetAll(h));

  describe.each(INBOUND)('%s client', (inbound) => {
    describe.each([false, true])('stream=%s', (stream) => {
      it('goes to the target whose cooldown ends first (C, lowest priority)', async () => {
        coolAll(h, { 'k-a': { status: 429, retryAfter: 30 }, 'k-b': { status: 429, retryAfter: 20 }, 'k-c': { status: 429, retryAfter: 10 } });
        await primeAllCooling(h, inbound, stream);
        const states = await healthOf(h);
        for (const k of [A, B, C]) expect(states[k]!.state).toBe('cooling');
        const r = await send(h, inbound, stream);
        expect(r.status).toBe(200);
        expect(r.providerKey).toBe(C);
        expect(r.attempts).toBe(1);
        expect(r.text).toBe(TEXT);
        expect(h.fake.requests()).toHaveLength(4);
      });

      it('never tries a tripped auth target, even when its trip ends sooner', async () => {
        coolAll(h, { 'k-a': { status: 401 }, 'k-b': { status: 429, retryAfter: 12 }, 'k-c': { status: 429, retryAfter: 20 } });
        await primeAllCooling(h, inbound, stream);
        const states = await healthOf(h);
        expect(states[A]!.state).toBe('tripped');
        expect(states[A]!.reason).toBe('auth');
        expect(states[A]!.cooldownExpiresAt).toBeLessThan(states[B]!.cooldownExpiresAt!);
        const r = await send(h, inbound, stream);
        expect(r.status).toBe(200);
        expect(r.providerKey).toBe(B);
        expect(r.attempts).toBe(1);
        expect(seenWithKey(h, 'k-a')).toBe(1);
      });
    });
  });
});

describe('whenAllCooling: fail', () => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startFaultHarness({ health: { whenAllCooling: 'fail' } });
  });
  afterAll(async () => h.close());
  beforeEach(async () => resetAll(h));

  describe.each(INBOUND)('%s client', (inbound) => {
    describe.each([false, true])('stream=%s', (stream) => {
      it('answers 503 in the client protocol with Retry-After (the soonest expiry), calling no upstream', async () => {
        coolAll(h, { 'k-a': { status: 429, retryAfter: 30 }, 'k-b': { status: 429, retryAfter: 20 }, 'k-c': { status: 429, retryAfter: 10 } });
        await primeAllCooling(h, inbound, stream);
        const r = await send(h, inbound, stream);
        expect(r.status).toBe(503);
        expect(isProtocolError(inbound, r)).toBe(true);
        expect(h.fake.requests()).toHaveLength(3);
        expect(r.headers.get('retry-after'), 'the 503 carries a Retry-After header').not.toBeNull();
        const retryAfter = Number(r.headers.get('retry-after'));
        expect(retryAfter).toBeGreaterThanOrEqual(9);
        expect(retryAfter).toBeLessThanOrEqual(10);
      });
    });
  });
});
