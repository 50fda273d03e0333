/**
 * Faults before the first content byte are invisible to the client: a cut connection, a malformed
 * SSE line or body, an in-band error event (500 or 429), a reset connection — B serves a normal,
 * complete answer. Run against upstreams of each wire type (same-protocol pairs are passthrough).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../../helpers/gateway-harness.js';
import { clientsFor } from '../../helpers/protocol-clients.js';
import type { FakeFault } from '../../../src/routecodex/testing/fake-upstream/index.js';
import { A, B, INBOUND, healthOf, resetAll, send, startFaultHarness, type UpstreamType } from '../../helpers/fault-harness.js';

const UPSTREAMS: UpstreamType[] = ['openai', 'responses', 'anthropic'];
const TEXT = 'The complete answer, from B, in several chunks.';

describe.each(UPSTREAMS)('%s upstreams', (type) => {
  let h: GatewayHarness;
  beforeAll(async () => {
    h = await startFaultHarness({ type });
  });
  afterAll(async () => h.close());
  beforeEach(async () => resetAll(h));

  const failOn = (fault: FakeFault) =>
    h.fake.setScript({ rules: [{ match: { apiKey: 'k-a' }, reply: { text: 'A partial answer that must never be seen', fault } }, { reply: { text: TEXT } }] });

  async function expectServedByB(inbound: (typeof INBOUND)[number], stream: boolean) {
    const r = await send(h, inbound, stream);
    expect(r.status).toBe(200);
    expect(r.providerKey).toBe(B);
    expect(r.attempts).toBe(2);
    expect(r.text).toBe(TEXT);
    expect(r.completed).toBe(true);
    expect(r.streamError).toBe(false);
    return r;
  }

  describe.each(INBOUND)('%s client', (inbound) => {
    describe.each([false, true])('stream=%s', (stream) => {
      // A non-streaming body is one "event": K = 0 cuts right after the headers.
      const before = stream ? 1 : 0;

      it('connection cut before content → transparent failover to B', async () => {
        failOn({ cutAfterEvents: before });
        await expectServedByB(inbound, stream);
        const a = (await healthOf(h))[A]!;
        expect(a.state).toBe('healthy');
        expect(a.failureCount).toBe(1);
      });

      it('malformed SSE line / body before content → transparent failover to B', async () => {
        failOn({ malformedAfterEvents: before });
        await expectServedByB(inbound, stream);
        expect((await healthOf(h))[A]!.failureCount).toBe(1);
      });

      it('in-band error (500) before content → transparent failover to B', async () => {
        failOn({ inBandErrorAfterEvents: before, status: 500 });
        await expectServedByB(inbound, stream);
        expect((await healthOf(h))[A]!.failureCount).toBe(1);
      });

      it('in-band error (429) before content → transparent failover to B', async () => {
        failOn({ inBandErrorAfterEvents: before, status: 429 });
        await expectServedByB(inbound, stream);
      });

      it('in-band error (429) before content → A cools as rate-limited (not counted as malformed)', async () => {
        failOn({ inBandErrorAfterEvents: before, status: 429 });
        await send(h, inbound, stream);
        const a = (await healthOf(h))[A]!;
        expect(a.state).toBe('cooling');
        expect(a.reason).toBe('rate_limit');
        expect(a.failureCount).toBe(0);
      });

      it('connection reset → transparent failover to B', async () => {
        failOn({ resetConnection: true });
        await expectServedByB(inbound, stream);
      });

      it('the official SDK sees a normal answer after a cut before content', async () => {
        failOn({ cutAfterEvents: before });
        const turn = await clientsFor(h.gateway.url).drivers[inbound]('default', stream, 'hello there', false);
        expect(turn.text).toBe(TEXT);
      });
    });
  });
});
