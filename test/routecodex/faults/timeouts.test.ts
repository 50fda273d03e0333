/**
 * A silent upstream: no headers within the time-to-first-byte (stream) or whole-response (non-stream)
 * timeout → the attempt is abandoned at the deadline and B serves; time itself is the subject here.
 * A stream that goes silent after content ends with the protocol's error event at the idle timeout.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../../helpers/gateway-harness.js';
import { A, B, FAILOVER, INBOUND, healthOf, resetAll, send, startFaultHarness } from '../../helpers/fault-harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startFaultHarness();
});
afterAll(async () => h.close());
beforeEach(async () => resetAll(h));

const TEXT = 'x'.repeat(160); // 20 chunks of 8 characters
const DEADLINE = FAILOVER.ttfbTimeoutMs; // == nonStreamTimeoutMs == idleStreamTimeoutMs

describe.each(INBOUND)('%s client', (inbound) => {
  describe.each([false, true])('stream=%s', (stream) => {
    it('upstream silent before headers → B serves right after the deadline', async () => {
      h.fake.setScript({ rules: [{ match: { apiKey: 'k-a' }, reply: { fault: { hangBeforeHeaders: true } } }, { reply: { text: TEXT } }] });
      const t0 = Date.now();
      const r = await send(h, inbound, stream);
      const t1 = Date.now();
      expect(r.status).toBe(200);
      expect(r.providerKey).toBe(B);
      expect(r.attempts).toBe(2);
      expect(r.text).toBe(TEXT);
      const total = t1 - t0;
      expect(total).toBeGreaterThanOrEqual(DEADLINE);
      expect(total).toBeLessThan(900);
      // What is not B's own share: the deadline plus at most 100 ms of overhead.
      const bReceivedAt = h.fake.requests().find((q) => q.apiKey === 'k-b')!.receivedAt;
      const bShare = t1 - bReceivedAt;
      expect(total - bShare).toBeGreaterThanOrEqual(DEADLINE);
      expect(total - bShare).toBeLessThanOrEqual(DEADLINE + 100);
      const a = (await healthOf(h))[A]!;
      expect(a.state).toBe('healthy');
      expect(a.failureCount).toBe(1);
    });
  });

  it('stream: upstream silent after headers, before content → B serves after the deadline', async () => {
    h.fake.setScript({ rules: [{ match: { apiKey: 'k-a' }, reply: { text: TEXT, fault: { hangAfterEvents: 1 } } }, { reply: { text: TEXT } }] });
    const t0 = Date.now();
    const r = await send(h, inbound, true);
    const total = Date.now() - t0;
    expect(r.providerKey).toBe(B);
    expect(r.attempts).toBe(2);
    expect(r.text).toBe(TEXT);
    expect(r.completed).toBe(true);
    expect(total).toBeGreaterThanOrEqual(DEADLINE);
    expect(total).toBeLessThan(900);
  });

  it('stream: upstream silent after content → the idle timeout ends the stream with the protocol error event', async () => {
    h.fake.setScript({ rules: [{ match: { apiKey: 'k-a' }, reply: { text: TEXT, fault: { hangAfterEvents: 5 } } }, { reply: { text: 'never' } }] });
    const t0 = Date.now();
    const r = await send(h, inbound, true);
    const total = Date.now() - t0;
    expect(r.status).toBe(200);
    expect(r.providerKey).toBe(A);
    expect(r.text.length).toBeGreaterThan(0);
    expect(TEXT.startsWith(r.text)).toBe(true);
    expect(r.streamError).toBe(true);
    expect(r.completed).toBe(false);
    expect(total).toBeGreaterThanOrEqual(DEADLINE);
    expect(total).toBeLessThan(900);
    expect(h.fake.requests()).toHaveLength(1);
  });
});
