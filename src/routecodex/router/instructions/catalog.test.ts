import { describe, expect, it } from 'vitest';
import { catalog } from './test-config.js';

describe('catalogFromConfig', () => {
  it('lists providers, aliases and models of the resolved config', () => {
    expect(catalog.providers()).toEqual(['openai', 'claude', 'qwen']);
    expect(catalog.aliasesOf('openai')).toEqual(['key1', 'key2', 'gpt-4']);
    expect(catalog.aliasesOf('qwen')).toEqual(['key1', 'key2']);
    expect(catalog.aliasesOf('nope')).toBeUndefined();
    expect(catalog.hasModel('openai', 'gpt-4.1')).toBe(true);
    expect(catalog.hasModel('openai', 'claude-opus-4-1')).toBe(false);
    expect(catalog.hasModel('nope', 'gpt-4.1')).toBe(false);
  });
});
