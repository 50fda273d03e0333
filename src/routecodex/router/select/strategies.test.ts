import { describe, expect, it } from 'vitest';
import { RoundRobin, SmoothWeighted, StickyHash, weightLookup } from './strategies.js';

function tally(picks: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of picks) out[p] = (out[p] ?? 0) + 1;
  return out;
}

describe('round-robin', () => {
  it('spreads picks evenly and in order', () => {
    const rr = new RoundRobin();
    const picks = Array.from({ length: 9 }, () => rr.pick('pool', ['a', 'b', 'c']));
    expect(picks).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
  });

  it('keeps one rotation per pool', () => {
    const rr = new RoundRobin();
    expect(rr.pick('p1', ['a', 'b'])).toBe('a');
    expect(rr.pick('p2', ['a', 'b'])).toBe('a');
    expect(rr.pick('p1', ['a', 'b'])).toBe('b');
  });
});

describe('smooth weighted round-robin', () => {
  it('matches the weights exactly over a full cycle and interleaves (no long runs)', () => {
    const w: Record<string, number> = { a: 5, b: 1, c: 1 };
    const wrr = new SmoothWeighted((k) => w[k]!);
    const picks = Array.from({ length: 7 }, () => wrr.pick('p', ['a', 'b', 'c']));
    expect(tally(picks)).toEqual({ a: 5, b: 1, c: 1 });
    // nginx's smooth sequence for 5/1/1.
    expect(picks).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
  });

  it('converges to the weight ratio over many picks', () => {
    const w: Record<string, number> = { a: 3, b: 2 };
    const wrr = new SmoothWeighted((k) => w[k]!);
    const t = tally(Array.from({ length: 10_000 }, () => wrr.pick('p', ['a', 'b'])));
    expect(t).toEqual({ a: 6000, b: 4000 });
  });

  it('weights come from providerKey, then target, then provider', () => {
    const lookup = weightLookup({ 'p.k1.m': 7, 'q.m': 3, r: 2 }, (k) => ({ providerId: k.split('.')[0]!, model: k.split('.').slice(2).join('.') }));
    expect(lookup('p.k1.m')).toBe(7);
    expect(lookup('q.k9.m')).toBe(3);
    expect(lookup('r.k1.x')).toBe(2);
    expect(lookup('s.k1.x')).toBe(1);
  });
});

describe('sticky (rendezvous hash)', () => {
  it('keeps a session on one key and spreads sessions across keys', () => {
    const sticky = new StickyHash(new RoundRobin());
    const keys = ['a', 'b', 'c'];
    for (let s = 0; s < 50; s++) {
      const first = sticky.pick('p', keys, { sessionKey: `s${s}` });
      for (let i = 0; i < 5; i++) expect(sticky.pick('p', keys, { sessionKey: `s${s}` })).toBe(first);
    }
    const t = tally(Array.from({ length: 3000 }, (_, s) => sticky.pick('p', keys, { sessionKey: `session-${s}` })));
    for (const k of keys) expect(t[k]).toBeGreaterThan(800);
  });

  it('moves only the sessions of a removed key', () => {
    const sticky = new StickyHash(new RoundRobin());
    let moved = 0;
    for (let s = 0; s < 600; s++) {
      const before = sticky.pick('p', ['a', 'b', 'c'], { sessionKey: `s${s}` });
      const after = sticky.pick('p', ['a', 'b'], { sessionKey: `s${s}` });
      if (before !== 'c') expect(after).toBe(before);
      else moved++;
    }
    expect(moved).toBeGreaterThan(100);
  });

  it('falls back to round-robin without a session key', () => {
    const sticky = new StickyHash(new RoundRobin());
    expect([sticky.pick('p', ['a', 'b'], {}), sticky.pick('p', ['a', 'b'], {})]).toEqual(['a', 'b']);
  });
});
