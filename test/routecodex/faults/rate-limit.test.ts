/**
 * Upstream 429 on target A: the request fails over to B invisibly, A cools down for the first step of
 * the rate-limit ladder (or for Retry-After when longer), and later requests skip A entirely.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../../helpers/gateway-harness.js';
import { A, B, INBOUND, healthOf, resetAll, seenWithKey, send, startFaultHarness } from '../../helpers/fault-harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startFaultHarness();
});
afterAll(async () => h.close());
beforeEach(async () => resetAll(h));

const TEXT = 'A fine answer from the fallback target.';

describe.each(INBOUND)('%s client', (inbound) => {
  describe.each([false, true])('stream=%s', (stream) => {
    it('429 without Retry-After → served by B; A cools for the first ladder step; the next request skips A', async () => {
      h.fake.setScript({ rules: [{ match: { apiKey: 'k-a' }, reply: { fault: { status: 429 } } }, { reply: { text: TEXT } }] });
      const t0 = Date.now();
      const r = await send(h, inbound, stream);
      const t1 = Date.now();
      expect(r.status).toBe(200);
      expect(r.providerKey).toBe(B);
      expect(r.attempts).toBe(2);
      expect(r.text).toBe(TEXT);
      expect(r.completed).toBe(true);

      const a = (await healthOf(h))[A]!;
      expect(a.state).toBe('cooling');
      expect(a.reason).toBe('rate_limit');
      expect(a.cooldownExpiresAt).toBeGreaterThanOrEqual(t0 + 5000 - 1000);
      expect(a.cooldownExpiresAt).toBeLessThanOrEqual(t1 + 5000 + 1000);
      expect(seenWithKey(h, 'k-a')).toBe(1);

      const again = await send(h, inbound, stream);
      expect(again.status).toBe(200);
      expect(again.providerKey).toBe(B);
      expect(again.attempts).toBe(1);
      expect(seenWithKey(h, 'k-a')).toBe(1);
      expect(seenWithKey(h, 'k-b')).toBe(2);
    });

    it('429 with Retry-After: 20 → A cools for ~20 s, longer than the ladder step', async () => {
      h.fake.setScript({ rules: [{ match: { apiKey: 'k-a' }, reply: { fault: { status: 429, retryAfter: 20 } } }, { reply: { text: TEXT } }] });
      const t0 = Date.now();
      const r = await send(h, inbound, stream);
      const t1 = Date.now();
      expect(r.status).toBe(200);
      expect(r.providerKey).toBe(B);
      expect(r.attempts).toBe(2);
      const a = (await healthOf(h))[A]!;
      expect(a.state).toBe('cooling');
      expect(a.reason).toBe('rate_limit');
      expect(a.cooldownExpiresAt).toBeGreaterThanOrEqual(t0 + 20_000 - 1000);
      expect(a.cooldownExpiresAt).toBeLessThanOrEqual(t1 + 20_000 + 1000);
      expect(a.cooldownRemainingMs).toBeGreaterThan(15_000);
    });
  });
});
