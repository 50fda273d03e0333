import { describe, expect, it } from 'vitest';
import { LIMITS, limitOf, normalizeLimit } from './limits.js';

describe('normalizeLimit', () => {
  it('falls back to the default for anything that is not a positive number', () => {
    for (const bad of [undefined, '', ' ', 'abc', '0', '-5', 'NaN', 'Infinity', '1e999', null, {}, [], -1, 0]) {
      expect(normalizeLimit(bad, LIMITS.messages), JSON.stringify(bad)).toBe(50);
    }
  });

  it('floors and clamps to the maximum', () => {
    expect(normalizeLimit('7', LIMITS.messages)).toBe(7);
    expect(normalizeLimit('7.9', LIMITS.messages)).toBe(7);
    expect(normalizeLimit('0.5', LIMITS.messages)).toBe(50); // floors to 0: not a valid limit
    expect(normalizeLimit('100000', LIMITS.messages)).toBe(500);
    expect(normalizeLimit('100000', LIMITS.tasks)).toBe(500);
    expect(normalizeLimit(undefined, LIMITS.tasks)).toBe(200);
  });

  it('reads ?limit= from a query object, the first value when repeated', () => {
    expect(limitOf({ limit: '3' }, LIMITS.tasks)).toBe(3);
    expect(limitOf({ limit: ['4', '9'] }, LIMITS.tasks)).toBe(4);
    expect(limitOf({}, LIMITS.tasks)).toBe(200);
    expect(limitOf(undefined, LIMITS.tasks)).toBe(200);
  });
});
