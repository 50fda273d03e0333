import { describe, expect, it } from 'vitest';
import { etagMatches, weakEtag } from './etag.js';

describe('etag', () => {
  it('is weak, stable for equal payloads and different for different ones', () => {
    const a = weakEtag({ x: 1, y: [1, 2] });
    expect(a).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(weakEtag({ x: 1, y: [1, 2] })).toBe(a);
    expect(weakEtag({ x: 2, y: [1, 2] })).not.toBe(a);
  });

  it('If-None-Match compares weakly, accepts lists and *', () => {
    const tag = weakEtag('payload');
    const opaque = tag.slice(2);
    expect(etagMatches(undefined, tag)).toBe(false);
    expect(etagMatches(tag, tag)).toBe(true);
    expect(etagMatches(opaque, tag)).toBe(true);
    expect(etagMatches(`W/"other", ${tag}`, tag)).toBe(true);
    expect(etagMatches('*', tag)).toBe(true);
    expect(etagMatches('W/"other"', tag)).toBe(false);
  });
});
