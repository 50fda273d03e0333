/**
 * Faults after the first content byte cannot be hidden: the client keeps the content it got and the
 * stream ends with its protocol's error event — never a clean finish (no `[DONE]`, no
 * `response.completed`, no `message_stop`); the official SDKs reject; nothing is retried; the server
 * keeps serving. Run against upstreams of each wire type (same-protocol pairs are passthrough).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../../helpers/gateway-harness.js';
import { clientsFor } from '../../helpers/protocol-clients.js';
import type { FakeFault } from '../../../src/routecodex/testing/fake-upstream/index.js';
import { A, INBOUND, healthOf, resetAll, send, startFaultHarness, type UpstreamType } from '../../helpers/fault-harness.js';

const UPSTREAMS: UpstreamType[] = ['openai', 'responses', 'anthropic'];
const TEXT = 'abcdefgh'.repeat(20); // 20 chunks of 8 characters
const AFTER_CONTENT = 5; // every wire format has sent at least one text delta by its 5th event

const FAULTS: Array<[string, FakeFault]> = [
  ['connection cut', { cutAfterEvents: AFTER_CONTENT }],
  ['malformed SSE line', { malformedAfterEvents: AFTER_CONTENT }],
  ['in-band error event', { inBandErrorAfterEvents: AFTER_CONTENT, status: 500 }],
];

describe.each(UPSTREAMS)('%s upstreams', (type) => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startFaultHarness({ type });
  });
  afterAll(async () => h.close());
  beforeEach(async () => resetAll(h));

  describe.each(INBOUND)('%s client', (inbound) => {
    describe.each(FAULTS)('%s after content', (_name, fault) => {
      beforeEach(() => {
        h.fake.setScript({ rules: [{ match: { apiKey: 'k-a' }, reply: { text: TEXT, fault } }, { reply: { text: 'B must not be tried' } }] });
      });

      it('raw SSE: the first content, then the protocol error event as the last event, no clean end', async () => {
        const r = await send(h, inbound, true);
        expect(r.status).toBe(200);
        expect(r.providerKey).toBe(A);
        expect(r.attempts).toBe(1);
        expect(r.text.length).toBeGreaterThan(0);
        expect(r.text.length).toBeLessThan(TEXT.length);
        expect(TEXT.startsWith(r.text)).toBe(true);
        expect(r.streamError).toBe(true);
        expect(r.completed).toBe(false);
        const last = r.events.at(-1)!;
        if (inbound === 'chat') expect(last.json?.error).toBeDefined();
        else expect(last.event).toBe('error');
        expect(r.raw).not.toContain('B must not be tried');
        expect(h.fake.requests()).toHaveLength(1);
        expect((await healthOf(h))[A]!.failureCount).toBe(1);
        const alive = await fetch(`${h.gateway.url}/health`);
        expect(alive.status).toBe(200);
      });

      it('the official SDK rejects instead of resolving a clean message', async () => {
        const drive = clientsFor(h.gateway.url).drivers[inbound];
        await expect(drive('default', true, 'hello there', false)).rejects.toThrow();
        expect(h.fake.requests()).toHaveLength(1);
      });
    });
  });
});
