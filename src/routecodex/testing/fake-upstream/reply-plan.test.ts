import { describe, expect, it } from 'vitest';
import { RequestRecorder } from './recorder.js';
import { buildPlan, chunkText } from './reply-plan.js';
import type { RecordedRequest } from './types.js';

const input = { protocol: 'openai' as const, model: 'm', bodyBytes: 400, includeUsage: false, userText: () => 'echo me' };

describe('reply plan', () => {
  it('chunks text without splitting a surrogate pair', () => {
    expect(chunkText('ab😀cd', 3)).toEqual(['ab😀', 'cd']);
    expect(chunkText('😀😀', 1)).toEqual(['😀', '😀']);
    expect(chunkText('', 4)).toEqual([]);
  });

  it('defaults text, usage and stop reason', () => {
    const plain = buildPlan(undefined, input);
    expect(plain.text).toBe('Hello from the fake openai upstream (model m).');
    expect(plain.usage).toEqual({ input: 100, output: Math.ceil(plain.text.length / 4), cached: 0, reasoning: 0 });
    expect(plain.stopReason).toBe('stop');
    const tools = buildPlan({ toolCalls: [{ name: 'f', arguments: '{"a":' }], reasoning: '12345678' }, input);
    expect(tools.includeText).toBe(false);
    expect(tools.stopReason).toBe('tool_calls');
    expect(tools.toolCalls[0]).toMatchObject({ args: '{"a":', argsObject: {} });
    expect(tools.usage.reasoning).toBe(2);
    expect(buildPlan({ echo: true }, input).text).toBe('echo me');
  });
});

describe('request recorder', () => {
  it('keeps the most recent requests and counts all of them for waiters', async () => {
    const rec = new RequestRecorder(4);
    const waiting = rec.waitFor(10, 1000);
    for (let i = 0; i < 10; i++) rec.record({ model: String(i) } as RecordedRequest);
    expect((await waiting).map((r) => r.model)).toEqual(['6', '7', '8', '9']);
    await expect(new RequestRecorder(0).waitFor(1, 10)).rejects.toThrow(/disabled/);
  });
});
