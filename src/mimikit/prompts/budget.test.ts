import { describe, expect, it } from 'vitest';
import { block, yamlBlock } from './blocks.js';
import { estimateTokens, fitToBudget, truncateFromStart, type BudgetSection } from './budget.js';

const words = (n: number, w = 'word') => Array.from({ length: n }, (_, i) => `${w}${i}`).join(' ');

describe('estimateTokens', () => {
  it('is ceil(utf8 bytes / 4)', () => {
    expect([estimateTokens(''), estimateTokens('abc'), estimateTokens('abcd'), estimateTokens('abcde'), estimateTokens('你好')]).toEqual([0, 1, 1, 2, 2]);
  });
});

describe('fitToBudget', () => {
  const core: BudgetSection = { name: 'system', text: 'S'.repeat(400) };
  const sections: BudgetSection[] = [
    core,
    { name: 'tasks', text: 'T'.repeat(400), dropOrder: 2 },
    { name: 'lookup', text: 'L'.repeat(400), dropOrder: 1 },
    { name: 'inputs', text: 'I'.repeat(400) },
  ];

  it('returns everything, joined by blank lines, when it fits', () => {
    const r = fitToBudget(sections, 1000);
    expect(r).toMatchObject({ dropped: [], truncated: [], overBudget: false });
    expect(r.text).toBe(sections.map((s) => s.text).join('\n\n'));
    expect(r.tokens).toBe(estimateTokens(r.text));
  });

  it('drops droppable sections in ascending dropOrder until it fits', () => {
    const oneDropped = fitToBudget(sections, 310);
    expect(oneDropped.dropped).toEqual(['lookup']);
    expect(oneDropped.text).toBe(['S', 'T', 'I'].map((c) => c.repeat(400)).join('\n\n'));
    expect(oneDropped.tokens).toBeLessThanOrEqual(310);
    expect(fitToBudget(sections, 210)).toMatchObject({ dropped: ['lookup', 'tasks'], overBudget: false });
  });

  it('flags overBudget (never throws) when the core alone does not fit', () => {
    const r = fitToBudget(sections, 150);
    expect(r).toMatchObject({ dropped: ['lookup', 'tasks'], overBudget: true });
    expect(r.text).toBe(`${'S'.repeat(400)}\n\n${'I'.repeat(400)}`);
  });

  it('skips empty sections', () => {
    expect(fitToBudget([{ name: 'a', text: '' }, { name: 'b', text: 'x' }], 10).text).toBe('x');
  });

  it('cuts a droppable truncatable section from its start before dropping later ones', () => {
    const history = block('recent_history', Array.from({ length: 80 }, (_, i) => `message ${i}: ${words(5)}`).join('\n'));
    const r = fitToBudget([core, { name: 'history', text: history, dropOrder: 1, truncatable: true }, { name: 'results', text: 'R'.repeat(200), dropOrder: 2 }], 600);
    expect(r).toMatchObject({ dropped: [], truncated: ['history'], overBudget: false });
    expect(r.tokens).toBeLessThanOrEqual(600);
    expect(r.text).toContain('<M:recent_history>\n[… earlier content truncated]\nmessage ');
    expect(r.text).toContain('message 79:');
    expect(r.text).not.toContain('message 0:');
    expect(r.text).toContain('</M:recent_history>\n\nRRR');
  });

  it('drops a droppable truncatable section when cutting cannot make it fit', () => {
    const r = fitToBudget([core, { name: 'history', text: 'a\nb\nc', dropOrder: 1, truncatable: true }], 50);
    expect(r).toMatchObject({ dropped: ['history'], truncated: [], overBudget: true });
  });

  it('then cuts non-droppable truncatable sections', () => {
    const inputs = block('inputs', Array.from({ length: 30 }, (_, i) => `line ${i} ${words(4)}`).join('\n'));
    const r = fitToBudget([core, { name: 'extra', text: 'E'.repeat(100), dropOrder: 1 }, { name: 'inputs', text: inputs, truncatable: true }], 300);
    expect(r).toMatchObject({ dropped: ['extra'], truncated: ['inputs'], overBudget: false });
    expect(r.text).toContain('line 29');
    expect(r.text).not.toContain('line 0 ');
  });

  it('cuts a core truncatable section to its minimum and reports overBudget when still too big', () => {
    const r = fitToBudget([core, { name: 'inputs', text: block('inputs', 'a\nb\nc'), truncatable: true }], 10);
    expect(r).toMatchObject({ truncated: ['inputs'], overBudget: true });
    expect(r.text).toBe(`${'S'.repeat(400)}\n\n<M:inputs>\n[… earlier content truncated]\n</M:inputs>`);
  });
});

describe('truncateFromStart', () => {
  it('removes whole YAML list items, keeping the header lines and the block wrapper', () => {
    const text = yamlBlock('recent_history', { messages: [1, 2, 3, 4].map((n) => ({ id: `m${n}`, role: 'user', content: `text ${n}` })) });
    const cut = truncateFromStart(text, 140) ?? '';
    expect(cut.split('\n')).toEqual([
      '<M:recent_history>',
      'messages:',
      '# [… earlier entries truncated]',
      '  - id: "m4"',
      '    role: "user"',
      '    content: "text 4"',
      '</M:recent_history>',
    ]);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(140);
  });

  it('keeps the end of one long line, at a character boundary', () => {
    const cut = truncateFromStart(`${'你'.repeat(50)}END`, 60) ?? '';
    expect(cut.startsWith('[… earlier content truncated]\n')).toBe(true);
    expect(cut.endsWith('END')).toBe(true);
    expect(cut).not.toContain('\uFFFD');
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(60);
  });

  it('is undefined when not even the marker fits', () => {
    expect(truncateFromStart('a\nb', 5)).toBeUndefined();
  });
});
