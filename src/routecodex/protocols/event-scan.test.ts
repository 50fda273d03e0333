import { describe, expect, it } from 'vitest';
import { firstTypeIsOneOf, looksLikeObject, statefulKeyPattern } from './event-scan.js';

describe('statefulKeyPattern', () => {
  const pattern = (forbidden: string[], nullOnly: string[]) => {
    const re = statefulKeyPattern(forbidden, nullOnly);
    return { clean: (text: string) => !re.test(text) };
  };
  const usage = pattern([], ['usage']);
  const chat = pattern(['tool_calls', 'error'], ['finish_reason', 'usage', 'refusal']);

  it('is clean when null-only keys are absent or null (any spacing)', () => {
    expect(usage.clean('{"a":1}')).toBe(true);
    expect(usage.clean('{"usage":null}')).toBe(true);
    expect(usage.clean('{"usage" :\t null,"x":{"usage": null}}')).toBe(true);
  });

  it('is not clean when any occurrence of a null-only key has a value', () => {
    expect(usage.clean('{"usage":{"prompt_tokens":1}}')).toBe(false);
    expect(chat.clean('{"choices":[{"finish_reason":null},{"finish_reason": "stop"}]}')).toBe(false);
  });

  it('is not clean when a forbidden key occurs, whatever its value', () => {
    expect(chat.clean('{"error":null}')).toBe(false);
    expect(chat.clean('{"choices":[{"delta":{"tool_calls":[]}}]}')).toBe(false);
  });

  it('errs towards "decode": the quoted word as a string value is not taken for a null key', () => {
    expect(usage.clean('{"delta":{"content":"usage"}}')).toBe(false);
  });

  it('ignores the words inside content, where their quotes are escaped', () => {
    expect(chat.clean(JSON.stringify({ delta: { content: 'say "usage": 5, "error" and "tool_calls"' } }))).toBe(true);
  });

  it('escapes regex characters in keys and refuses an empty key list', () => {
    expect(pattern(['a.b'], []).clean('{"aXb":1}')).toBe(true);
    expect(pattern(['a.b'], []).clean('{"a.b":1}')).toBe(false);
    expect(() => statefulKeyPattern([], [])).toThrow(/at least one key/);
  });

  it('tells keys sharing a first letter apart', () => {
    const s = pattern(['usable'], ['usage']);
    expect(s.clean('{"usage":null,"used":1}')).toBe(true);
    expect(s.clean('{"usage":null,"usable":1}')).toBe(false);
  });
});

describe('firstTypeIsOneOf', () => {
  const names = new Set(['content_block_delta']);
  it('reads the first "type" key value', () => {
    expect(firstTypeIsOneOf('{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"hi"}}', names)).toBe(true);
    expect(firstTypeIsOneOf('{"type" : "content_block_delta"}', names)).toBe(true);
    expect(firstTypeIsOneOf('{"type":"message_delta","delta":{"stop_reason":"end_turn"}}', names)).toBe(false);
  });

  it('is false when the first type is a nested one, absent, or not a string', () => {
    expect(firstTypeIsOneOf('{"index":0,"delta":{"type":"text_delta"},"type":"content_block_delta"}', names)).toBe(false);
    expect(firstTypeIsOneOf('{"index":0}', names)).toBe(false);
    expect(firstTypeIsOneOf('{"type":5}', names)).toBe(false);
    expect(firstTypeIsOneOf('{"text":"type"}', names)).toBe(false);
  });

  it('is not fooled by a type named inside content', () => {
    const text = JSON.stringify({ type: 'error', error: { message: '"type":"content_block_delta"' } });
    expect(firstTypeIsOneOf(text, names)).toBe(false);
  });
});

describe('looksLikeObject', () => {
  it('wants { first and } last', () => {
    expect(looksLikeObject('{"a":1}')).toBe(true);
    expect(looksLikeObject('{this is not json')).toBe(false);
    expect(looksLikeObject('[DONE]')).toBe(false);
    expect(looksLikeObject('')).toBe(false);
  });
});
