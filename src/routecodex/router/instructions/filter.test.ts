import { describe, expect, it } from 'vitest';
import { applyInstructions } from './apply.js';
import { candidateFilter, stickyOrForcedKeys } from './filter.js';
import { parseInstructions } from './parse.js';
import { ALL_KEYS, NOW, catalog, fresh } from './test-config.js';

/** The providerKeys that pass after the tags of `text` are applied to a fresh session. */
function passing(text: string): string[] {
  const { state, forced } = applyInstructions(fresh(), parseInstructions(text, catalog).instructions, NOW);
  const filter = candidateFilter(state, forced);
  return ALL_KEYS.filter((s) => filter(s).ok).map((s) => s.providerKey);
}

function verdict(text: string, providerKey: string) {
  const { state, forced } = applyInstructions(fresh(), parseInstructions(text, catalog).instructions, NOW);
  const spec = ALL_KEYS.find((s) => s.providerKey === providerKey);
  if (!spec) throw new Error(providerKey);
  return candidateFilter(state, forced)(spec);
}

describe('each filter alone', () => {
  it('lets everything through with no instructions', () => {
    expect(passing('')).toHaveLength(ALL_KEYS.length);
  });

  it('disable: a provider, a key by alias or index, a model', () => {
    expect(passing('<**#openai,qwen**>')).toEqual(['claude.main.claude-sonnet-4-5', 'claude.main.claude-opus-4-1']);
    expect(passing('<**#openai.key2**>').filter((k) => k.startsWith('openai.key2.'))).toEqual([]);
    expect(passing('<**#qwen.2**>')).not.toContain('qwen.key1.2');
    expect(passing('<**#openai.3**>').filter((k) => k.startsWith('openai.gpt-4.'))).toEqual([]);
    // The model gpt-4.1 on every key; the providerKey `openai.gpt-4.1` (alias gpt-4, model "1") stays.
    expect(passing('<**#openai.gpt-4.1**>').filter((k) => k.endsWith('.gpt-4.1'))).toEqual(['openai.gpt-4.1']);
    expect(verdict('<**#openai.key2**>', 'openai.key2.gpt-4o')).toEqual({ ok: false, reason: 'disabled by <**#openai.key2**>' });
    expect(verdict('<**#openai.3**>', 'openai.gpt-4.gpt-4o')).toEqual({ ok: false, reason: 'disabled by <**#openai.3**>' });
    expect(verdict('<**#claude**>', 'claude.main.claude-opus-4-1')).toEqual({ ok: false, reason: 'disabled by <**#claude**>' });
  });

  it('force: only the forced target passes (all aliases, or one)', () => {
    expect(passing('<**openai.gpt-4o**>')).toEqual(['openai.key1.gpt-4o', 'openai.key2.gpt-4o', 'openai.gpt-4.gpt-4o']);
    expect(passing('<**openai.key2.gpt-4o**>')).toEqual(['openai.key2.gpt-4o']);
    expect(verdict('<**openai.gpt-4o**>', 'qwen.key1.2')).toEqual({ ok: false, reason: 'not the forced target <**openai.gpt-4o**>' });
  });

  it('sticky: a model on all keys, a model on one key, or one key', () => {
    expect(passing('<**!claude.claude-opus-4-1**>')).toEqual(['claude.main.claude-opus-4-1']);
    expect(passing('<**!openai.key1.gpt-4.1**>')).toEqual(['openai.key1.gpt-4.1']);
    expect(passing('<**!qwen.2**>')).toEqual(['qwen.key1.2', 'qwen.key2.2']);
    expect(passing('<**!openai.2**>')).toEqual(['openai.key2.gpt-4.1', 'openai.key2.gpt-4o', 'openai.key2.1']);
    expect(verdict('<**!openai.2**>', 'openai.key1.gpt-4o')).toEqual({ ok: false, reason: 'not the sticky target <**!openai.2**>' });
  });

  it('allow: only the listed providers pass', () => {
    expect(passing('<**claude**>')).toEqual(['claude.main.claude-sonnet-4-5', 'claude.main.claude-opus-4-1']);
    expect(verdict('<**!claude,qwen**>', 'openai.key1.gpt-4o')).toEqual({ ok: false, reason: 'provider not in the allow-list <**!claude,qwen**>' });
  });
});

describe('precedence: disable > force > sticky > allow', () => {
  it('disable beats force and sticky', () => {
    expect(passing('<**#openai.key2**><**openai.gpt-4o**>')).toEqual(['openai.key1.gpt-4o', 'openai.gpt-4.gpt-4o']);
    expect(passing('<**#claude.claude-opus-4-1**><**claude.claude-opus-4-1**>')).toEqual([]);
    expect(passing('<**!qwen.qwen3-coder-plus**><**#qwen.1**>')).toEqual(['qwen.key2.qwen3-coder-plus']);
  });

  it('force beats sticky and allow', () => {
    expect(passing('<**!claude.claude-opus-4-1**><**!qwen**><**openai.key1.gpt-4o**>')).toEqual(['openai.key1.gpt-4o']);
  });

  it('sticky beats allow', () => {
    expect(passing('<**!qwen**><**!claude.claude-opus-4-1**>')).toEqual(['claude.main.claude-opus-4-1']);
  });

  it('the filter only forces with the forced target it is given', () => {
    const { state } = applyInstructions(fresh(), parseInstructions('<**openai.gpt-4o**>', catalog).instructions, NOW);
    const filter = candidateFilter(state);
    expect(ALL_KEYS.every((s) => filter(s).ok)).toBe(true);
  });
});

describe('stickyOrForcedKeys', () => {
  it('lists the keys of the forced target, else the sticky one, disabled ones included', () => {
    const { state, forced } = applyInstructions(fresh(), parseInstructions('<**!claude.claude-opus-4-1**><**#openai.key1**><**openai.gpt-4o**>', catalog).instructions, NOW);
    expect(stickyOrForcedKeys(state, forced, ALL_KEYS)).toEqual({ source: 'forced', providerKeys: ['openai.key1.gpt-4o', 'openai.key2.gpt-4o', 'openai.gpt-4.gpt-4o'] });
    expect(stickyOrForcedKeys(state, undefined, ALL_KEYS)).toEqual({ source: 'sticky', providerKeys: ['claude.main.claude-opus-4-1'] });
    expect(stickyOrForcedKeys(fresh(), undefined, ALL_KEYS)).toBeUndefined();
  });
});
