import { describe, expect, it } from 'vitest';
import { findTags, removeSpans } from './scan.js';

/** Removes every tag found. */
const strip = (text: string) => removeSpans(text, findTags(text));

describe('findTags', () => {
  it('finds tags anywhere, with their bodies', () => {
    expect(findTags('a<**x**>b <** y **>')).toEqual([
      { start: 1, end: 8, body: 'x' },
      { start: 10, end: 19, body: ' y ' },
    ]);
  });

  it('ends a tag at the first **> outside quotes', () => {
    expect(findTags('<**stopMessage:"a **> b"**>')[0]?.body).toBe('stopMessage:"a **> b"');
  });

  it('restarts at a later opening when an earlier one is not closed', () => {
    expect(findTags('<**a <**b**>').map((t) => t.body)).toEqual(['b']);
    expect(findTags('<**a"**> <**b**>').map((t) => t.body)).toEqual(['b']);
    expect(findTags('<**never closed')).toEqual([]);
  });
});

describe('removeSpans collapses the whitespace where tags stood', () => {
  it.each([
    ['hello <**x**> world', 'hello world'],
    ['hello<**x**> world', 'hello world'],
    ['hello <**x**>world', 'hello world'],
    ['hello<**x**>world', 'helloworld'],
    ['<**x**> hello', 'hello'],
    ['hello <**x**>', 'hello'],
    ['  <**x**>  ', ''],
    ['a <**x**> <**y**>  <**z**> b', 'a b'],
    ['<**x**><**y**>', ''],
    ['line1\n<**x**>\nline2', 'line1\nline2'],
    ['line1 <**x**>\nline2', 'line1\nline2'],
    ['line1\n  <**x**>  \nline2', 'line1\nline2'],
    ['line1\n\n<**x**>\n\nline2', 'line1\n\nline2'],
    ['<**x**>\n\nbody', 'body'],
    ['code:\n<**x**>\n    indented', 'code:\n    indented'],
    ['你好 <**x**> 世界', '你好 世界'],
    ['你好<**x**>世界', '你好世界'],
  ])('%j → %j', (text, expected) => {
    expect(strip(text)).toBe(expected);
  });

  it('leaves text without spans untouched', () => {
    expect(removeSpans('  a  \n\n b ', [])).toBe('  a  \n\n b ');
  });
});
