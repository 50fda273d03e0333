/**
 * The fake upstream: a scriptable stand-in for OpenAI Chat, OpenAI Responses, Anthropic and Gemini that
 * speaks each provider's wire format (written independently of the gateway's codecs). Example script:
 *
 * ```yaml
 * rules:
 *   - match: { protocol: anthropic, apiKey: sk-test, contains: weather }
 *     times: 1
 *     reply:
 *       reasoning: Checking the forecast.
 *       toolCalls: [{ name: get_weather, arguments: { city: Paris } }]
 *       usage: { input: 120, output: 30, cached: 100 }
 *   - match: { protocol: openai, stream: true }
 *     reply: { text: Partial answer, fault: { cutAfterEvents: 3 } }
 *   - reply: { fault: { status: 429, retryAfter: 2 } }
 * ```
 */
export { startFakeUpstream } from './server.js';
export { runFakeUpstreamCli, startFakeUpstreamFromArgs, parseFakeUpstreamArgs, FAKE_UPSTREAM_USAGE } from './cli.js';
export type { FakeUpstreamCliArgs } from './cli.js';
export type { FakeUpstream, FakeUpstreamOptions, RecordedRequest } from './types.js';
export {
  FAKE_PROTOCOLS,
  FakeScriptSchema,
  FakeRuleSchema,
  FakeReplySchema,
  FakeFaultSchema,
  FakeMatchSchema,
} from './script.js';
export type { FakeFault, FakeMatch, FakeProtocol, FakeReply, FakeRule, FakeScript, FakeToolCall, FakeUsage } from './script.js';
export { defaultText as defaultFakeReplyText } from './reply-plan.js';
