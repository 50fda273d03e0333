import { describe, expect, it } from 'vitest';
import { parseReply, stripHiddenTags } from './parse.js';

const names = (text: string) => parseReply(text).actions.map((a) => a.name);

describe('parseReply: the trailing zone', () => {
  it('splits visible text from trailing actions', () => {
    const r = parseReply('On it.\n<M:create_task prompt="look up X" title="X" profile="standard"/>\n<M:cancel_task id="t1"/>\n');
    expect(r.text).toBe('On it.');
    expect(r.actions).toEqual([
      { name: 'create_task', attrs: { prompt: 'look up X', title: 'X', profile: 'standard' }, raw: '<M:create_task prompt="look up X" title="X" profile="standard"/>' },
      { name: 'cancel_task', attrs: { id: 't1' }, raw: '<M:cancel_task id="t1"/>' },
    ]);
  });

  it('only the tags at the very end are actions; earlier ones are removed from the text', () => {
    const r = parseReply('Before <M:cancel_task id="a"/> middle.\n<M:restart_server/>\nAfter.\n<M:compress_context/>');
    expect(r.actions.map((a) => a.name)).toEqual(['compress_context']);
    expect(r.text).toBe('Before  middle.\nAfter.');
  });

  it('a tag followed by text is not an action', () => {
    expect(parseReply('<M:cancel_task id="a"/> and then some words').actions).toEqual([]);
  });

  it('accepts tags on the same line as the text and separated by any whitespace', () => {
    const r = parseReply('Sure! <M:compress_context/>\t\n\n <M:restart_server/>');
    expect(r.text).toBe('Sure!');
    expect(r.actions.map((a) => a.name)).toEqual(['compress_context', 'restart_server']);
  });

  it('a reply with only actions has empty text', () => {
    expect(parseReply('<M:compress_context/>')).toEqual({ text: '', actions: [{ name: 'compress_context', attrs: {}, raw: '<M:compress_context/>' }] });
  });

  it('a reply without tags is all text', () => {
    expect(parseReply('Just text.\n')).toEqual({ text: 'Just text.', actions: [] });
  });

  it('the M: prefix is case-insensitive and the name keeps its case', () => {
    const r = parseReply('x\n<m:cancel_task id="a"/><M:Cancel_Task id="b"/>');
    expect(r.actions.map((a) => [a.name, a.attrs.id])).toEqual([
      ['cancel_task', 'a'],
      ['Cancel_Task', 'b'],
    ]);
  });

  it('stray closing tags are dropped, not actions', () => {
    const r = parseReply('x </M:foo>\n<M:compress_context/></M:bar>');
    expect(r.text).toBe('x');
    expect(names('x\n<M:compress_context/></M:bar>')).toEqual(['compress_context']);
  });
});

describe('parseReply: code is text', () => {
  it('tags inside a fenced ``` block are text, and a trailing fence means no zone', () => {
    const text = 'Example:\n```xml\n<M:cancel_task id="a"/>\n```';
    expect(parseReply(text)).toEqual({ text, actions: [] });
  });

  it('tags inside a ~~~ fence are kept while tags after it are actions', () => {
    const r = parseReply('~~~\n<M:restart_server/>\n~~~\n<M:compress_context/>');
    expect(r.text).toBe('~~~\n<M:restart_server/>\n~~~');
    expect(r.actions.map((a) => a.name)).toEqual(['compress_context']);
  });

  it('an unclosed fence runs to the end', () => {
    const text = 'See:\n```\n<M:restart_server/>';
    expect(parseReply(text)).toEqual({ text, actions: [] });
  });

  it('a fence closes only with the same marker, at least as long', () => {
    const text = '````\n```\n<M:restart_server/>\n~~~\n<M:compress_context/>';
    expect(parseReply(text).actions).toEqual([]);
  });

  it('fences inside list items count', () => {
    const text = '1. Run this:\n   ```\n   <M:restart_server/>\n   ```';
    expect(parseReply(text).actions).toEqual([]);
  });

  it('tags in an indented code block are text', () => {
    const text = 'Write it like this:\n\n    <M:cancel_task id="a"/>';
    expect(parseReply(text)).toEqual({ text, actions: [] });
  });

  it('an indented line continuing a paragraph is not code', () => {
    const r = parseReply('Done\n    <M:compress_context/>');
    expect(r.actions.map((a) => a.name)).toEqual(['compress_context']);
  });

  it('four spaces of list-item continuation are not code, but four past the content are', () => {
    expect(names('- item\n\n    <M:compress_context/>')).toEqual(['compress_context']);
    expect(names('- item\n\n      <M:compress_context/>')).toEqual([]);
  });

  it('tags inside inline code spans are text', () => {
    const r = parseReply('Use `<M:cancel_task id="x"/>` to cancel.\n<M:compress_context/>');
    expect(r.text).toBe('Use `<M:cancel_task id="x"/>` to cancel.');
    expect(r.actions.map((a) => a.name)).toEqual(['compress_context']);
  });

  it('a trailing inline code span holding a tag is not an action', () => {
    expect(parseReply('Type `<M:restart_server/>`').actions).toEqual([]);
  });

  it('double-backtick spans may contain single backticks', () => {
    const text = 'Try ``a ` <M:restart_server/>``';
    expect(parseReply(text)).toEqual({ text, actions: [] });
  });

  it('an unmatched backtick is literal', () => {
    expect(names('It costs 5` <M:compress_context/>')).toEqual(['compress_context']);
  });

  it('an escaped backtick does not open a span', () => {
    // Without the escape, the two backticks would make a code span around the tag, keeping it as text.
    expect(parseReply('a \\` b <M:x/> c `').text).toBe('a \\` b  c `');
  });

  it('a backtick inside a quoted attribute is not a code span', () => {
    const r = parseReply('ok\n<M:create_task prompt="run `ls`" title="t" profile="standard"/>');
    expect(r.actions[0]?.attrs.prompt).toBe('run `ls`');
  });

  it('a code fence inside a multi-line attribute value stays in the value', () => {
    const prompt = 'Fix this:\n```\nconst a = 1;\n```\ndone';
    const r = parseReply(`ok\n<M:create_task title="t" profile="standard" prompt="${prompt}"/>`);
    expect(r.actions[0]?.attrs.prompt).toBe(prompt);
  });
});

describe('parseReply: attributes', () => {
  it('reads double-quoted, single-quoted and bare values', () => {
    expect(parseReply(`<M:x a="1" b='two words' c=3 d = "4"/>`).actions[0]?.attrs).toEqual({ a: '1', b: 'two words', c: '3', d: '4' });
  });

  it('unescapes \\n \\r \\t \\\\ \\" \\\' inside quotes and keeps other backslashes', () => {
    const r = parseReply(String.raw`<M:x a="l1\nl2\r\t\\ \"q\" \'s\' \d"/>`);
    expect(r.actions[0]?.attrs.a).toBe('l1\nl2\r\t\\ "q" \'s\' \\d');
  });

  it('a > inside quotes does not end the tag', () => {
    expect(parseReply('<M:x a="1 > 0" b=\'<b>\'/>').actions[0]?.attrs).toEqual({ a: '1 > 0', b: '<b>' });
  });

  it('reports malformed attribute syntax on the action', () => {
    const a = parseReply('<M:cancel_task id="a", x/>').actions[0];
    expect(a?.syntaxError).toContain('unexpected ","');
    expect(a?.syntaxError).toContain('attribute x has no value');
  });

  it('paired tags carry their content', () => {
    const r = parseReply('Updated.\n<M:update_persona>\nI am *calm*.\n</M:update_persona>');
    expect(r.text).toBe('Updated.');
    expect(r.actions).toEqual([{ name: 'update_persona', attrs: {}, content: '\nI am *calm*.\n', raw: '<M:update_persona>\nI am *calm*.\n</M:update_persona>' }]);
  });

  it('paired content may hold markdown code and other tags', () => {
    const r = parseReply('<M:update_profile>use `<M:x/>`\n```\n</M:y>\n```</M:update_profile>');
    expect(r.actions.map((a) => [a.name, a.content])).toEqual([['update_profile', 'use `<M:x/>`\n```\n</M:y>\n```']]);
  });

  it('prose that merely looks like the start of a tag stays text', () => {
    const text = 'Type <M:foo to see it\'s effect.';
    expect(parseReply(text)).toEqual({ text, actions: [] });
    expect(parseReply('a <M:foo\n\nb="1"/>').text).toBe('a <M:foo\n\nb="1"/>');
  });

  it('HTML and other angle brackets are left alone', () => {
    expect(parseReply('a <b>bold</b> 1 < 2 <Mx:y/>').text).toBe('a <b>bold</b> 1 < 2 <Mx:y/>');
  });
});

describe('parseReply: dangling fragments', () => {
  it.each([
    ['Working on it <M:create_task prompt="abc', 'Working on it'],
    ['Working on it <M:create_task prompt="a" title=', 'Working on it'],
    ['Working on it <M:create_ta', 'Working on it'],
    ['Working on it <M:', 'Working on it'],
    ['Working on it <m', 'Working on it'],
    ['Working on it <', 'Working on it'],
    ['Working on it </M:upd', 'Working on it'],
  ])('%j is trimmed', (input, text) => {
    expect(parseReply(input)).toEqual({ text, actions: [] });
  });

  it('complete actions before a dangling fragment are kept', () => {
    const r = parseReply('ok <M:compress_context/> <M:cancel_task id="');
    expect(r).toEqual({ text: 'ok', actions: [{ name: 'compress_context', attrs: {}, raw: '<M:compress_context/>' }] });
  });

  it('a dangling fragment inside code is text', () => {
    expect(parseReply('see `<M:x a="1`').text).toBe('see `<M:x a="1`');
  });
});

describe('stripHiddenTags', () => {
  it('removes system_event blocks and self-closing tags, keeping code', () => {
    const text = 'Task done · Report\n\n<M:system_event name="task_completed" version="1">{"task_id":"t1"}</M:system_event>';
    expect(stripHiddenTags(text)).toBe('Task done · Report');
    expect(stripHiddenTags('a <M:x/> b `<M:y/>`')).toBe('a  b `<M:y/>`');
  });
});
