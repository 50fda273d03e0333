import { describe, expect, it } from 'vitest';
import { applyInstructions } from './apply.js';
import { parseInstructions } from './parse.js';
import { NOW, catalog, fresh } from './test-config.js';
import type { SessionRoutingState } from '../session/state.js';
import { sessionRoutingStateSchema } from '../session/state.js';

/** Parses the tags of `text` and applies them to `state`. */
function run(text: string, state: SessionRoutingState = fresh(), now = NOW) {
  const { instructions } = parseInstructions(text, catalog);
  const result = applyInstructions(state, instructions, now);
  // Every state we produce must stay valid for the store.
  expect(sessionRoutingStateSchema.parse(result.state)).toEqual(result.state);
  return result;
}

describe('left-to-right application', () => {
  it('a later enable undoes an earlier disable', () => {
    expect(run('<**#openai**> do it <**@openai**>').state.disabled).toEqual({ providers: [], keys: [], models: [] });
    expect(run('<**@openai**> do it <**#openai**>').state.disabled.providers).toEqual(['openai']);
  });

  it('a later allow-list replaces an earlier one', () => {
    expect(run('<**!openai**><**!claude**>').state.allowedProviders).toEqual(['claude']);
    expect(run('<**!openai,qwen**>', run('<**claude**>').state).state.allowedProviders).toEqual(['openai', 'qwen']);
  });

  it('clear resets what came before it, not what comes after', () => {
    const { state, forced } = run('<**#openai**><**!claude.claude-opus-4-1**><**openai.gpt-4o**><**clear**><**#qwen**>');
    expect(forced).toBeUndefined();
    expect(state.forcedTarget).toBeUndefined();
    expect(state.stickyTarget).toBeUndefined();
    expect(state.disabled.providers).toEqual(['qwen']);
  });
});

describe('each instruction', () => {
  it('disable merges into the lists without duplicates, across alias and index forms', () => {
    const first = run('<**#openai.key2,claude.claude-opus-4-1**>').state;
    const second = run('<**#openai.2,openai.key1,claude.claude-opus-4-1,qwen**>', first).state;
    expect(second.disabled).toEqual({
      providers: ['qwen'],
      keys: [{ provider: 'openai', alias: 'key2' }, { provider: 'openai', alias: 'key1' }],
      models: [{ provider: 'claude', model: 'claude-opus-4-1' }],
    });
  });

  it('enable of a key removes it by alias or index; enable of a provider removes all its entries', () => {
    const disabled = run('<**#openai.key2,openai.gpt-4o,claude.main**>').state;
    expect(run('<**@openai.2**>', disabled).state.disabled.keys).toEqual([{ provider: 'claude', alias: 'main' }]);
    expect(run('<**@openai**>', disabled).state.disabled).toEqual({ providers: [], keys: [{ provider: 'claude', alias: 'main' }], models: [] });
    expect(run('<**@openai.gpt-4o**>', disabled).state.disabled.models).toEqual([]);
  });

  it('sticky sets the target and drops the pins', () => {
    const pinned = { ...fresh(), pins: { default: 'openai.key1.gpt-4.1' } };
    const { state } = run('<**!openai.2**>', pinned);
    expect(state.stickyTarget).toEqual({ provider: 'openai', index: 2, name: 'openai.2' });
    expect(state.pins).toEqual({});
  });

  it('force sets the turn target, returns it, and lasts one turn', () => {
    const { state, forced } = run('<**openai.key2.gpt-4.1**> go');
    expect(forced).toEqual({ providerId: 'openai', alias: 'key2', model: 'gpt-4.1', name: 'openai.key2.gpt-4.1' });
    expect(state.forcedTarget).toBe('openai.key2.gpt-4.1');
    const next = run('no tags', state, NOW + 1);
    expect(next.forced).toBeUndefined();
    expect(next.state.forcedTarget).toBeUndefined();
    expect(next.state.updatedAt).toBe(NOW + 1);
  });

  it('stopMessage sets text, repeats and a fresh counter; stopMessage:clear removes it', () => {
    const used = { ...fresh(), stopMessage: { text: 'old', maxRepeats: 5, used: 4, updatedAt: 1 } };
    expect(run('<**stopMessage:"继续",3**>', used).state.stopMessage).toEqual({ text: '继续', maxRepeats: 3, used: 0, updatedAt: NOW });
    expect(run('<**stopMessage:clear**>', used).state.stopMessage).toBeUndefined();
  });

  it('clear resets sticky, allow, disable, stopMessage and pins but keeps the session identity', () => {
    const busy = run('<**#openai**><**!claude.claude-opus-4-1**><**!qwen,claude**><**stopMessage:"go"**>').state;
    const { state } = run('<**clear**>', { ...busy, pins: { default: 'qwen.key1.2' } });
    expect(state).toEqual({ version: 1, sessionId: 's1', disabled: { providers: [], keys: [], models: [] }, pins: {}, createdAt: NOW - 1000, updatedAt: NOW });
  });
});

describe('state handling', () => {
  it('does not modify the input state', () => {
    const before = run('<**#openai.key1**><**!qwen**>').state;
    const snapshot = structuredClone(before);
    run('<**@openai**><**clear**><**!claude.main**>', before);
    expect(before).toEqual(snapshot);
  });

  it('returns the same state when there is nothing to do', () => {
    const state = fresh();
    expect(applyInstructions(state, [], NOW).state).toBe(state);
  });

  it('stamps updatedAt with the given now', () => {
    expect(run('<**#qwen**>', fresh(), 42).state.updatedAt).toBe(42);
  });
});
