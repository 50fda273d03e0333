import { describe, expect, it } from 'vitest';
import { HotCounter, HotHistogram } from './metric-families.js';

describe('HotCounter', () => {
  it('renders HELP, TYPE and one sample per label set, in first-seen order', () => {
    const c = new HotCounter('x_total', 'Things counted', ['a', 'b']);
    expect(c.render()).toBe('# HELP x_total Things counted\n# TYPE x_total counter\n');
    c.inc(['1', 'p']);
    c.inc(['2', 'q'], 3);
    c.inc(['1', 'p']);
    expect(c.render()).toBe('# HELP x_total Things counted\n# TYPE x_total counter\nx_total{a="1",b="p"} 2\nx_total{a="2",b="q"} 3\n');
  });

  it('escapes backslash, quote and newline in label values and keeps distinct values distinct', () => {
    const c = new HotCounter('x_total', 'h', ['v']);
    c.inc(['a"b\\c\nd']);
    c.inc(['a"b\\c\nd']);
    c.inc(['a']);
    expect(c.render().split('\n').slice(2, 4)).toEqual(['x_total{v="a\\"b\\\\c\\nd"} 2', 'x_total{v="a"} 1']);
  });

  it('rejects a wrong number of label values and a negative increment', () => {
    const c = new HotCounter('x_total', 'h', ['a', 'b']);
    expect(() => c.inc(['only-one'])).toThrow(/x_total: expected 2 label values \(a, b\), got 1/);
    expect(() => c.inc(['1', '2'], -1)).toThrow(/only goes up/);
    expect(() => c.inc(['1', '2'], Number.NaN)).toThrow(/only goes up/);
  });
});

describe('HotHistogram', () => {
  it('counts cumulatively per bucket (a value on a bound falls in that bucket), with sum and count', () => {
    const h = new HotHistogram('d_seconds', 'Durations', ['r'], [1, 0.1, 0.5]);
    for (const v of [0.05, 0.1, 0.3, 0.5, 0.7, 2]) h.observe(['x'], v);
    expect(h.render()).toBe(
      [
        '# HELP d_seconds Durations',
        '# TYPE d_seconds histogram',
        'd_seconds_bucket{le="0.1",r="x"} 2',
        'd_seconds_bucket{le="0.5",r="x"} 4',
        'd_seconds_bucket{le="1",r="x"} 5',
        'd_seconds_bucket{le="+Inf",r="x"} 6',
        `d_seconds_sum{r="x"} ${0.05 + 0.1 + 0.3 + 0.5 + 0.7 + 2}`,
        'd_seconds_count{r="x"} 6',
        '',
      ].join('\n'),
    );
  });

  it('renders an unlabelled histogram without empty braces', () => {
    const h = new HotHistogram('d_seconds', 'h', [], [1]);
    h.observe([], 3);
    expect(h.render()).toContain('d_seconds_bucket{le="+Inf"} 1\nd_seconds_sum 3\nd_seconds_count 1\n');
  });

  it('reserves the "le" label', () => {
    expect(() => new HotHistogram('d', 'h', ['le'], [1])).toThrow(/"le" is reserved/);
  });
});
