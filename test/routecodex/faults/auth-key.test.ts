/**
 * One key of a two-key provider is rejected with 401: that providerKey is tripped (reason auth), the
 * provider's other key serves the request, and later requests never use the bad key again.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayHarness } from '../../helpers/gateway-harness.js';
import { INBOUND, KEY_BAD, KEY_GOOD, healthOf, resetAll, seenWithKey, send, startFaultHarness } from '../../helpers/fault-harness.js';

let h: GatewayHarness;
beforeAll(async () => {
  h = await startFaultHarness();
});
afterAll(async () => h.close());
beforeEach(async () => resetAll(h));

const TEXT = 'Answered with the good key.';

describe.each(INBOUND)('%s client', (inbound) => {
  describe.each([false, true])('stream=%s', (stream) => {
    it('401 on k-bad → key2 tripped (auth), key1 serves; the bad key is never used again', async () => {
      h.fake.setScript({ rules: [{ match: { apiKey: 'k-bad' }, reply: { fault: { status: 401, message: 'invalid key' } } }, { reply: { text: TEXT } }] });
      // Round-robin picks either key first; within two requests the bad key has been tried once.
      for (let i = 0; i < 2 && seenWithKey(h, 'k-bad') === 0; i++) {
        const r = await send(h, inbound, stream, { model: 'keys' });
        expect(r.status).toBe(200);
        expect(r.providerKey).toBe(KEY_GOOD);
        expect(r.attempts).toBe(seenWithKey(h, 'k-bad') === 1 ? 2 : 1);
        expect(r.text).toBe(TEXT);
      }
      expect(seenWithKey(h, 'k-bad')).toBe(1);
      const states = await healthOf(h);
      expect(states[KEY_BAD]!.state).toBe('tripped');
      expect(states[KEY_BAD]!.reason).toBe('auth');
      expect(states[KEY_GOOD]!.state).toBe('healthy');

      for (let i = 0; i < 4; i++) {
        const r = await send(h, inbound, stream, { model: 'keys' });
        expect(r.providerKey).toBe(KEY_GOOD);
        expect(r.attempts).toBe(1);
      }
      expect(seenWithKey(h, 'k-bad')).toBe(1);
      expect(seenWithKey(h, 'k-good')).toBeGreaterThanOrEqual(5);
    });
  });
});
