/**
 * Every inbound protocol × every upstream type, streaming and not, through a real RouteCodex server
 * and the fake upstream over HTTP, driven by the official SDKs: a text reply, a tool-call round trip
 * (the tool result reaches the upstream in its own protocol), and usage with cached tokens.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clientsFor, type InboundKind } from '../helpers/protocol-clients.js';
import { startHarness, TARGET_OF, type GatewayHarness, type UpstreamKind } from '../helpers/gateway-harness.js';

const INBOUND: InboundKind[] = ['chat', 'responses', 'anthropic'];
const UPSTREAM: UpstreamKind[] = ['openai', 'responses', 'anthropic', 'gemini'];
const USAGE = { input: 11, output: 7, cached: 3 };

let h: GatewayHarness;
let clients: ReturnType<typeof clientsFor>;

beforeAll(async () => {
  h = await startHarness();
  clients = clientsFor(h.gateway.url);
});
afterAll(async () => {
  await h.close();
});
beforeEach(() => {
  h.fake.reset();
});

describe.each(INBOUND)('%s client', (inbound) => {
  describe.each(UPSTREAM)('→ %s upstream', (upstream) => {
    describe.each([false, true])('stream=%s', (stream) => {
      const drive = (prompt: string, tools: boolean, trip?: Parameters<ReturnType<typeof clientsFor>['drivers']['chat']>[4]) =>
        clients.drivers[inbound](TARGET_OF[upstream], stream, prompt, tools, trip);

      it('text reply with usage (cached tokens included)', async () => {
        h.fake.setScript({ rules: [{ reply: { text: 'Bonjour, café 中文 😀 done.', usage: USAGE } }] });
        const turn = await drive('say hello', false);
        expect(turn.text).toBe('Bonjour, café 中文 😀 done.');
        expect(turn.toolCalls).toEqual([]);
        expect(turn.usage).toEqual(USAGE);
        const seen = h.fake.requests();
        expect(seen).toHaveLength(1);
        expect(seen[0]!.protocol).toBe(upstream);
        expect(seen[0]!.stream).toBe(stream);
      });

      it('tool-call round trip', async () => {
        h.fake.setScript({
          rules: [
            { match: { contains: 'weather' }, times: 1, reply: { toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: { city: 'Paris, é 中' } }], usage: USAGE } },
            { reply: { text: 'It is 22C and sunny in Paris.', usage: USAGE } },
          ],
        });
        const first = await drive('what is the weather in Paris?', true);
        expect(first.toolCalls).toHaveLength(1);
        expect(first.toolCalls[0]!.name).toBe('get_weather');
        expect(first.toolCalls[0]!.args).toEqual({ city: 'Paris, é 中' });
        expect(first.text).toBe('');
        const call = first.toolCalls[0]!;
        const second = await drive('', true, { prompt: 'what is the weather in Paris?', call, result: 'TOOL-RESULT 22C sunny' });
        expect(second.text).toBe('It is 22C and sunny in Paris.');
        expect(second.usage).toEqual(USAGE);
        const upstreamSaw = JSON.stringify(h.fake.requests()[1]!.body);
        expect(upstreamSaw).toContain('TOOL-RESULT 22C sunny');
        expect(upstreamSaw).toContain('get_weather');
      });
    });
  });
});
