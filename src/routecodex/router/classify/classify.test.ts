import { describe, expect, it } from 'vitest';
import type { CanonicalRequest } from '../../canonical/index.js';
import { ROUTE_NAMES } from '../../config/schema.js';
import { classify } from './classify.js';
import { IMAGE, assistant, classifierConfig, fn, request, toolCall, toolResult, user, webSearch } from './test-requests.js';

const ALL = new Set<string>(ROUTE_NAMES);
const run = (req: CanonicalRequest, opts: { tokens?: number; routes?: Iterable<string>; config?: Parameters<typeof classifierConfig>[0] } = {}) =>
  classify({ request: req, estimatedTokens: opts.tokens ?? 100 }, classifierConfig(opts.config), new Set(opts.routes ?? ALL));

const afterPatch = (extra: Partial<CanonicalRequest> = {}) =>
  request({
    messages: [user('fix it'), assistant(toolCall('apply_patch', { input: '*** Begin Patch' }, 'p')), user(toolResult('p', { type: 'text', text: 'Done' }))],
    ...extra,
  });

describe('each rule', () => {
  it('vision: an image in the latest user turn', () => {
    expect(run(request({ messages: [user('what is this', IMAGE)] }))).toMatchObject({ route: 'vision', matched: 'vision', reason: 'vision: image in the latest user turn' });
  });
  it('longcontext: tokens at or above the threshold', () => {
    expect(run(request(), { tokens: 190_000 })).toMatchObject({ route: 'longcontext', reason: 'longcontext: ~190000 tokens ≥ 180000' });
    expect(run(request(), { tokens: 180_000 }).route).toBe('longcontext');
    expect(run(request(), { tokens: 179_999 }).route).toBe('default');
    expect(run(request(), { tokens: 5_000, config: { longContextThresholdTokens: 4_000 } }).route).toBe('longcontext');
  });
  it('web_search: a web-search tool declared', () => {
    expect(run(request({ tools: [webSearch] })).route).toBe('web_search');
    expect(run(request({ tools: [fn('web_search')] })).route).toBe('web_search');
  });
  it('thinking: reasoning requested', () => {
    expect(run(request({ reasoning: { effort: 'high' } })).route).toBe('thinking');
    expect(run(request({ reasoning: { budgetTokens: 1024 } })).route).toBe('thinking');
    expect(run(request({ reasoning: { effort: 'low' } })).route).toBe('default');
  });
  it('coding: the last assistant tool call wrote files', () => {
    expect(run(afterPatch())).toMatchObject({ route: 'coding', reason: 'coding: last tool call apply_patch wrote files' });
    const sed = request({ messages: [user('go'), assistant(toolCall('shell', { command: ['bash', '-lc', "sed -i 's/a/b/' f"] }))] });
    expect(run(sed).route).toBe('coding');
    const read = request({ messages: [user('go'), assistant(toolCall('shell', { command: 'sed -n 1,10p f' }))] });
    expect(run(read).route).toBe('default');
  });
  it('tools: tools declared', () => {
    expect(run(request({ tools: [fn('a'), fn('b'), fn('c')] }))).toMatchObject({ route: 'tools', reason: 'tools: 3 tools declared' });
    expect(run(request({ tools: [fn('a')] })).reason).toBe('tools: 1 tool declared');
  });
  it('background: a background model name', () => {
    expect(run(request({ model: 'claude-3-5-HAIKU-latest' }))).toMatchObject({ route: 'background', reason: 'background: model "claude-3-5-HAIKU-latest" matches "haiku"' });
    expect(run(request({ model: 'gpt-4o-mini' })).route).toBe('background');
    expect(run(request({ model: 'gemini-2.5-pro' })).route).toBe('default');
    expect(run(request({ model: 'my-cheap-model' }), { config: { backgroundModels: ['cheap'] } }).route).toBe('background');
  });
  it('default: nothing matched', () => {
    expect(run(request())).toMatchObject({ route: 'default', matched: 'default', reason: 'default: no rule matched' });
  });
});

describe('order', () => {
  const everything = () =>
    afterPatch({
      messages: [user('fix', IMAGE)],
      tools: [webSearch, fn('x')],
      reasoning: { effort: 'high' },
      model: 'claude-haiku',
    });

  it('follows the default order, first match wins', () => {
    const req = afterPatch({ tools: [webSearch, fn('x')], reasoning: { effort: 'high' }, model: 'claude-haiku' });
    const withImage: CanonicalRequest = { ...req, messages: [...req.messages.slice(0, -1), user(toolResult('p', IMAGE))] };
    const sequence: Array<[CanonicalRequest, number, string]> = [
      [withImage, 200_000, 'vision'],
      [req, 200_000, 'longcontext'],
      [req, 10, 'web_search'],
      [{ ...req, tools: [fn('x')] }, 10, 'thinking'],
      [{ ...req, tools: [fn('x')], reasoning: undefined }, 10, 'coding'],
      [{ ...req, tools: [fn('x')], reasoning: undefined, messages: [user('hi')] }, 10, 'tools'],
      [{ ...req, tools: [], reasoning: undefined, messages: [user('hi')] }, 10, 'background'],
    ];
    for (const [r, tokens, route] of sequence) expect(run(r, { tokens }).route).toBe(route);
  });

  it('uses the configured order, with default always last', () => {
    const order = ['default', 'background', 'tools', 'vision'] as const;
    expect(run(everything(), { config: { order: [...order] } }).route).toBe('background');
    // Rules missing from a configured order are not evaluated.
    expect(run(request({ reasoning: { effort: 'high' } }), { config: { order: [...order] } }).route).toBe('default');
    expect(run(request({ tools: [fn('x')] }), { config: { order: ['default', 'tools'] } }).route).toBe('tools');
  });
});

describe('fall-through for unconfigured routes', () => {
  it('lands on the next matching configured rule', () => {
    const req = request({ messages: [user('see', IMAGE)], tools: [fn('a'), fn('b'), fn('c')] });
    expect(run(req, { routes: ['default', 'tools'] })).toMatchObject({
      route: 'tools',
      matched: 'vision',
      reason: 'vision (not configured) → tools: 3 tools declared',
    });
  });

  it('chains several unconfigured routes and ends at default', () => {
    const req = request({ messages: [user('see', IMAGE)], reasoning: { effort: 'high' } });
    expect(run(req, { routes: ['default'], tokens: 200_000 })).toMatchObject({
      route: 'default',
      matched: 'vision',
      reason: 'vision (not configured) → longcontext (not configured) → thinking (not configured) → default',
    });
  });

  it('lands on default even when default is not in the configured set', () => {
    expect(run(request({ reasoning: { effort: 'high' } }), { routes: [] }).route).toBe('default');
  });
});

describe('keywords', () => {
  it('matches built-in keywords in the latest user text', () => {
    expect(run(request({ messages: [user('Please think step by step.')] }))).toMatchObject({
      route: 'thinking',
      reason: 'thinking: keyword "think step by step" in the latest user message',
    });
    expect(run(request({ messages: [user('帮我联网搜索一下')] })).route).toBe('web_search');
  });

  it('adds configured keywords to the built-ins, for any route', () => {
    const config = { keywords: { coding: ['refactor'], background: ['summarize title'], thinking: ['reflect'] } };
    expect(run(request({ messages: [user('Refactor this module')] }), { config }).route).toBe('coding');
    expect(run(request({ messages: [user('summarize title of chat')] }), { config }).route).toBe('background');
    expect(run(request({ messages: [user('reflect on it')] }), { config }).route).toBe('thinking');
    expect(run(request({ messages: [user('ultrathink')] }), { config }).route).toBe('thinking');
  });

  it('ignores negated keywords', () => {
    expect(run(request({ messages: [user("don't search the web, just answer")] })).route).toBe('default');
    expect(run(request({ messages: [user('不要深度思考')] })).route).toBe('default');
  });

  it('only reads the latest user message, not tool results or older turns', () => {
    const older = request({ messages: [user('ultrathink please'), assistant('ok'), user('thanks')] });
    expect(run(older).route).toBe('default');
    const inResult = request({ messages: [user('go'), assistant(toolCall('read', {}, 'r')), user(toolResult('r', { type: 'text', text: 'think hard' }))] });
    expect(run(inResult).route).toBe('default');
  });
});
