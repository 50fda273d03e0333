import { describe, expect, it } from 'vitest';
import { parseInstructions } from './parse.js';
import { catalog } from './test-config.js';
import type { RoutingInstruction } from './types.js';

const parse = (text: string) => parseInstructions(text, catalog);
/** An instruction without its tag (Omit distributed over the union). */
type Untagged = RoutingInstruction extends infer I ? (I extends unknown ? Omit<I, 'tag'> : never) : never;
/** Parses `before <tag> after` and checks the tag became exactly `expected` and was removed. */
function parsesTo(tag: string, expected: Untagged) {
  const { instructions, cleanedText } = parse(`before ${tag} after`);
  expect(instructions).toEqual([{ tag, ...expected }]);
  expect(cleanedText).toBe('before after');
}

describe('§5 table: every tag form', () => {
  it('<**provider.model**> and <**provider.alias.model**> force a target', () => {
    parsesTo('<**openai.gpt-4.1**>', { type: 'force', target: { providerId: 'openai', model: 'gpt-4.1', name: 'openai.gpt-4.1' } });
    parsesTo('<**claude.main.claude-opus-4-1**>', {
      type: 'force',
      target: { providerId: 'claude', alias: 'main', model: 'claude-opus-4-1', name: 'claude.main.claude-opus-4-1' },
    });
  });

  it('<**!provider.model**>, <**!provider.alias.model**>, <**!provider.N**> make a sticky target', () => {
    parsesTo('<**!claude.claude-sonnet-4-5**>', { type: 'sticky', target: { provider: 'claude', model: 'claude-sonnet-4-5', name: 'claude.claude-sonnet-4-5' } });
    parsesTo('<**!openai.key2.gpt-4o**>', { type: 'sticky', target: { provider: 'openai', alias: 'key2', model: 'gpt-4o', name: 'openai.key2.gpt-4o' } });
    parsesTo('<**!openai.2**>', { type: 'sticky', target: { provider: 'openai', index: 2, name: 'openai.2' } });
    parsesTo('<**!openai.key1**>', { type: 'sticky', target: { provider: 'openai', alias: 'key1', name: 'openai.key1' } });
  });

  it('<**provider**>, <**!a,b**> and <**!provider**> set the allow-list', () => {
    parsesTo('<**claude**>', { type: 'allow', providers: ['claude'] });
    parsesTo('<**!openai,claude**>', { type: 'allow', providers: ['openai', 'claude'] });
    parsesTo('<**! openai , qwen **>', { type: 'allow', providers: ['openai', 'qwen'] });
    parsesTo('<**!qwen**>', { type: 'allow', providers: ['qwen'] });
  });

  it('<**#provider**>, <**#provider.alias**>, <**#provider.N**>, <**#provider.model**> and lists disable', () => {
    parsesTo('<**#openai**>', { type: 'disable', items: [{ kind: 'provider', provider: 'openai' }] });
    parsesTo('<**#openai.key2**>', { type: 'disable', items: [{ kind: 'key', ref: { provider: 'openai', alias: 'key2' }, alias: 'key2', index: 2 }] });
    parsesTo('<**#qwen.1**>', { type: 'disable', items: [{ kind: 'key', ref: { provider: 'qwen', index: 1 }, alias: 'key1', index: 1 }] });
    parsesTo('<**#claude.claude-opus-4-1**>', { type: 'disable', items: [{ kind: 'model', ref: { provider: 'claude', model: 'claude-opus-4-1' } }] });
    parsesTo('<**#qwen, openai.key1,claude.claude-opus-4-1,qwen**>', {
      type: 'disable',
      items: [
        { kind: 'provider', provider: 'qwen' },
        { kind: 'key', ref: { provider: 'openai', alias: 'key1' }, alias: 'key1', index: 1 },
        { kind: 'model', ref: { provider: 'claude', model: 'claude-opus-4-1' } },
      ],
    });
  });

  it('<**@…**> re-enables the same item forms', () => {
    parsesTo('<**@openai**>', { type: 'enable', items: [{ kind: 'provider', provider: 'openai' }] });
    parsesTo('<**@openai.2,claude.claude-opus-4-1**>', {
      type: 'enable',
      items: [
        { kind: 'key', ref: { provider: 'openai', index: 2 }, alias: 'key2', index: 2 },
        { kind: 'model', ref: { provider: 'claude', model: 'claude-opus-4-1' } },
      ],
    });
  });

  it('<**clear**>', () => {
    parsesTo('<**clear**>', { type: 'clear' });
    parsesTo('<** clear **>', { type: 'clear' });
  });

  it('<**stopMessage:"text",N**>, <**stopMessage:"text"**>, <**stopMessage:clear**>', () => {
    parsesTo('<**stopMessage:"继续",3**>', { type: 'stopMessage', text: '继续', maxRepeats: 3 });
    parsesTo('<**stopMessage:"keep going"**>', { type: 'stopMessage', text: 'keep going', maxRepeats: 1 });
    parsesTo('<**stopMessage:"a, b \\"c\\" \\\\ d **> e", 100**>', { type: 'stopMessage', text: 'a, b "c" \\ d **> e', maxRepeats: 100 });
    parsesTo('<**stopMessage:clear**>', { type: 'stopMessageClear' });
  });
});

describe('dotted model names', () => {
  it('reads a model match before an alias', () => {
    // openai has alias "gpt-4" and model "1": `openai.gpt-4.1` is still the model gpt-4.1.
    expect(parse('<**openai.gpt-4.1**>').instructions[0]).toMatchObject({ type: 'force', target: { providerId: 'openai', model: 'gpt-4.1' } });
    expect(parse('<**openai.gpt-4.gpt-4.1**>').instructions[0]).toMatchObject({ type: 'force', target: { alias: 'gpt-4', model: 'gpt-4.1' } });
    expect(parse('<**#openai.gpt-4.1**>').instructions[0]).toMatchObject({ items: [{ kind: 'model', ref: { model: 'gpt-4.1' } }] });
    expect(parse('<**#openai.gpt-4**>').instructions[0]).toMatchObject({ items: [{ kind: 'key', alias: 'gpt-4', index: 3 }] });
  });

  it('reads a model match before a key index', () => {
    expect(parse('<**#qwen.2**>').instructions[0]).toMatchObject({ items: [{ kind: 'model', ref: { provider: 'qwen', model: '2' } }] });
    expect(parse('<**#openai.1**>').instructions[0]).toMatchObject({ items: [{ kind: 'model', ref: { provider: 'openai', model: '1' } }] });
    expect(parse('<**#openai.2**>').instructions[0]).toMatchObject({ items: [{ kind: 'key', alias: 'key2', index: 2 }] });
  });
});

describe('malformed or unknown tags stay in the text', () => {
  it.each([
    '<**nosuch**>',
    '<**#nosuch**>',
    '<**!openai,nosuch**>',
    '<**#**>',
    '<**@**>',
    '<**!**>',
    '<****>',
    '<**#openai,,claude**>',
    '<**#openai.9**>',
    '<**#openai.0**>',
    '<**!openai.4**>',
    '<**!openai,claude.main**>',
    '<**openai.gpt-5**>',
    '<**claude.gpt-4.1**>',
    '<**openai.key1.claude-opus-4-1**>',
    '<**openai.nokey.gpt-4.1**>',
    '<**stopMessage:"x",0**>',
    '<**stopMessage:"x",101**>',
    '<**stopMessage:"x",1.5**>',
    '<**stopMessage:""**>',
    '<**stopMessage:x**>',
    '<**stopMessage:"a\\nb"**>',
    '<**stopMessage:"unterminated**>',
    '<**stopMessage:"x" 3**>',
    '<**thinking**>',
    '<**Clear**>',
  ])('%s', (tag) => {
    const text = `keep ${tag} this`;
    expect(parse(text)).toEqual({ instructions: [], cleanedText: text });
  });

  it('leaves an unterminated tag and still finds the next one', () => {
    expect(parse('<**foo')).toEqual({ instructions: [], cleanedText: '<**foo' });
    expect(parse('a <**foo and <**clear**> b')).toEqual({ instructions: [{ tag: '<**clear**>', type: 'clear' }], cleanedText: 'a <**foo and b' });
  });

  it('removes only the valid tags of a mixed text', () => {
    const { instructions, cleanedText } = parse('<**#openai**> x <**#nosuch**> y <**clear**>');
    expect(instructions.map((i) => i.type)).toEqual(['disable', 'clear']);
    expect(cleanedText).toBe('x <**#nosuch**> y');
  });
});

describe('text around tags', () => {
  it('keeps CJK text intact and joins it without spaces where there were none', () => {
    expect(parse('请继续<**!claude.claude-opus-4-1**>完成任务').cleanedText).toBe('请继续完成任务');
    expect(parse('请继续 <**#openai**> 完成任务，谢谢').cleanedText).toBe('请继续 完成任务，谢谢');
    expect(parse('<**stopMessage:"继续，别停",2**>继续写').instructions[0]).toMatchObject({ text: '继续，别停', maxRepeats: 2 });
  });

  it('returns the text unchanged when there is no tag', () => {
    expect(parse('plain <b>text</b> ** > <* *>')).toEqual({ instructions: [], cleanedText: 'plain <b>text</b> ** > <* *>' });
  });

  it('keeps instructions in text order', () => {
    const types = parse('<**!qwen**> <**#openai**><**@openai**>\n<**openai.gpt-4o**> <**stopMessage:clear**>').instructions.map((i) => i.type);
    expect(types).toEqual(['allow', 'disable', 'enable', 'force', 'stopMessageClear']);
  });
});
