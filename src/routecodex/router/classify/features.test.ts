import { describe, expect, it } from 'vitest';
import { extractFeatures } from './features.js';
import { IMAGE, assistant, fn, request, toolCall, toolResult, user, webSearch } from './test-requests.js';

describe('extractFeatures', () => {
  it('sees images only in the latest user turn, including its tool results', () => {
    const old = request({ messages: [user('look', IMAGE), assistant('a cat'), user('thanks')] });
    expect(extractFeatures(old, 10).imagesInLatestUserTurn).toBe(false);
    const latest = request({ messages: [user('hi'), assistant('hello'), user('look', IMAGE)] });
    expect(extractFeatures(latest, 10).imagesInLatestUserTurn).toBe(true);
    const inResult = request({
      messages: [user('screenshot it'), assistant(toolCall('screenshot', {}, 'c1')), user(toolResult('c1', IMAGE))],
    });
    expect(extractFeatures(inResult, 10).imagesInLatestUserTurn).toBe(true);
  });

  it('takes the latest user text without tool results', () => {
    const req = request({
      messages: [user('first'), assistant(toolCall('read', {}, 'c1')), user(toolResult('c1', { type: 'text', text: 'file body' }), 'second', 'third')],
    });
    expect(extractFeatures(req, 0).latestUserText).toBe('second\nthird');
  });

  it('takes the last tool call of the last assistant message only', () => {
    const req = request({
      messages: [
        user('go'),
        assistant(toolCall('apply_patch', { input: 'x' }, 'a')),
        user(toolResult('a', { type: 'text', text: 'ok' })),
        assistant('thinking', toolCall('shell', { command: 'rm x' }, 'b'), toolCall('shell', { command: 'rg foo' }, 'c')),
        user(toolResult('c', { type: 'text', text: 'hits' })),
      ],
    });
    expect(extractFeatures(req, 0).lastToolCall).toEqual({ name: 'shell', category: 'search' });
    const noCallInLast = request({ messages: [assistant(toolCall('apply_patch', {})), user('ok'), assistant('done'), user('next')] });
    expect(extractFeatures(noCallInLast, 0).lastToolCall).toBeUndefined();
  });

  it('detects thinking from a budget or a high effort', () => {
    const f = (reasoning: NonNullable<Parameters<typeof request>[0]>['reasoning']) => extractFeatures(request({ reasoning }), 0).thinkingRequested;
    expect(f({ budgetTokens: 8000 })).toBe(true);
    expect(f({ budgetTokens: 0 })).toBe(false);
    expect(f({ effort: 'high' })).toBe(true);
    expect(f({ effort: 'xhigh' })).toBe(true);
    expect(f({ effort: 'medium' })).toBe(false);
    expect(f(undefined)).toBe(false);
  });

  it('reports tools, web search, model and tokens', () => {
    const features = extractFeatures(request({ model: 'claude-3-5-haiku', tools: [fn('read'), webSearch] }), 1234);
    expect(features).toMatchObject({ toolsPresent: true, toolCount: 2, webSearchTool: true, requestedModel: 'claude-3-5-haiku', estimatedTokens: 1234 });
    expect(extractFeatures(request({ tools: [fn('read')] }), 0)).toMatchObject({ toolsPresent: true, webSearchTool: false });
    expect(extractFeatures(request(), 0)).toMatchObject({ toolsPresent: false, toolCount: 0 });
  });
});
