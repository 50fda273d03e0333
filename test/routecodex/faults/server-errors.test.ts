/**
 * Upstream HTTP errors on target A: a 500 burst fails over every time and cools A only at the failure
 * threshold; a non-retryable 400 reaches the client as a 400 in its own protocol, is not retried on
 * another target and does not count against A's health.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../../helpers/gateway-harness.js';
import { A, B, INBOUND, errorMessage, healthOf, isProtocolError, resetAll, seenWithKey, send, startFaultHarness } from '../../helpers/fault-harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startFaultHarness();
});
afterAll(async () => h.close());
beforeEach(async () => resetAll(h));

const TEXT = 'Served by the next target.';

describe.each(INBOUND)('%s client', (inbound) => {
  describe.each([false, true])('stream=%s', (stream) => {
    it('500 burst → every request served by B; A counts 1, 2 and cools (server, ~cooldownMs) at the 3rd', async () => {
      h.fake.setScript({ rules: [{ match: { apiKey: 'k-a' }, reply: { fault: { status: 500, message: 'boom' } } }, { reply: { text: TEXT } }] });
      for (const n of [1, 2]) {
        const r = await send(h, inbound, stream);
        expect(r.status).toBe(200);
        expect(r.providerKey).toBe(B);
        expect(r.attempts).toBe(2);
        expect(r.text).toBe(TEXT);
        const a = (await healthOf(h))[A]!;
        expect(a.state).toBe('healthy');
        expect(a.failureCount).toBe(n);
      }
      const t0 = Date.now();
      const third = await send(h, inbound, stream);
      const t1 = Date.now();
      expect(third.providerKey).toBe(B);
      expect(third.attempts).toBe(2);
      const a = (await healthOf(h))[A]!;
      expect(a.state).toBe('cooling');
      expect(a.reason).toBe('server');
      expect(a.cooldownExpiresAt).toBeGreaterThanOrEqual(t0 + 30_000 - 1000);
      expect(a.cooldownExpiresAt).toBeLessThanOrEqual(t1 + 30_000 + 1000);

      const fourth = await send(h, inbound, stream);
      expect(fourth.providerKey).toBe(B);
      expect(fourth.attempts).toBe(1);
      expect(seenWithKey(h, 'k-a')).toBe(3);
    });

    it('400 from upstream → passed through as 400 in the client protocol, not retried, A stays healthy', async () => {
      h.fake.setScript({ rules: [{ match: { apiKey: 'k-a' }, reply: { fault: { status: 400, message: 'bad field frobnicate' } } }, { reply: { text: TEXT } }] });
      const r = await send(h, inbound, stream);
      expect(r.status).toBe(400);
      expect(isProtocolError(inbound, r)).toBe(true);
      expect(errorMessage(r)).toContain(A);
      expect(errorMessage(r)).toContain('bad field frobnicate');
      expect(r.providerKey).toBe(A);
      expect(r.attempts).toBe(1);
      expect(h.fake.requests()).toHaveLength(1);
      const a = (await healthOf(h))[A]!;
      expect(a.state).toBe('healthy');
      expect(a.failureCount).toBe(0);
    });
  });
});
