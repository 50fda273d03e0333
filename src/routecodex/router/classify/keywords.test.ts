import { describe, expect, it } from 'vitest';
import { findKeyword, keywordsFor } from './keywords.js';
import { classifierConfig } from './test-requests.js';

describe('findKeyword', () => {
  it('matches case-insensitively, in English and Chinese', () => {
    expect(findKeyword('Please THINK HARD about this', ['think hard'])).toBe('think hard');
    expect(findKeyword('请深度思考这个问题', ['深度思考'])).toBe('深度思考');
    expect(findKeyword('nothing here', ['think hard'])).toBeUndefined();
  });

  it('ignores a keyword negated within the 12 characters before it', () => {
    expect(findKeyword("don't search the web for this", ['search the web'])).toBeUndefined();
    expect(findKeyword('Do not think hard', ['think hard'])).toBeUndefined();
    expect(findKeyword('no need to ultrathink', ['ultrathink'])).toBeUndefined();
    expect(findKeyword('不要联网搜索', ['联网搜索'])).toBeUndefined();
    expect(findKeyword('无需深度思考', ['深度思考'])).toBeUndefined();
  });

  it('counts a negation further away, and any un-negated occurrence', () => {
    expect(findKeyword("don't worry, I want you to think hard", ['think hard'])).toBe('think hard');
    expect(findKeyword("don't think hard. Actually, think hard!", ['think hard'])).toBe('think hard');
  });
});

describe('keywordsFor', () => {
  it('adds configured keywords to the built-ins', () => {
    const config = classifierConfig({ keywords: { thinking: ['reflect deeply'], coding: ['refactor'] } });
    expect(keywordsFor('thinking', config)).toEqual(['think step by step', 'think hard', 'ultrathink', '深度思考', '仔细思考', 'reflect deeply']);
    expect(keywordsFor('coding', config)).toEqual(['refactor']);
    expect(keywordsFor('vision', config)).toEqual([]);
  });
});
