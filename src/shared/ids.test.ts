import { describe, expect, it } from 'vitest';
import { fsSafeSegment, newId } from './ids.js';

describe('newId', () => {
  it('is unique across many ids minted in the same milliseconds, with a fixed-width counter', () => {
    const ids = Array.from({ length: 100_000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    const [a, b] = [newId(), newId()];
    expect(a.length).toBe(b.length);
    expect(a).toMatch(/^[0-9a-z]+$/);
  });

  it('puts the prefix before an underscore', () => {
    expect(newId('req')).toMatch(/^req_[0-9a-z]+$/);
  });
});

describe('fsSafeSegment', () => {
  it('keeps letters, digits, dot, underscore and dash; never starts with a dot; never empty', () => {
    expect(fsSafeSegment('a/b c:d')).toBe('a_b_c_d');
    expect(fsSafeSegment('..hidden')).toBe('_hidden');
    expect(fsSafeSegment('')).toBe('_');
  });
});
