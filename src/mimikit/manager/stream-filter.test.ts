import { describe, expect, it } from 'vitest';
import { VisibleTextStream } from './stream-filter.js';

function streamed(chunks: string[]): { sent: string[]; text: string } {
  const sent: string[] = [];
  const s = new VisibleTextStream((d) => sent.push(d));
  for (const c of chunks) s.push(c);
  return { sent, text: sent.join('') };
}

describe('VisibleTextStream', () => {
  it('streams plain text as it comes (trailing whitespace held until more text)', () => {
    expect(streamed(['Hel', 'lo ', 'world'])).toEqual({ sent: ['Hel', 'lo', ' world'], text: 'Hello world' });
  });

  it('never sends the action zone, even split across chunks', () => {
    const chunks = ['On it.', '\n<', 'M:crea', 'te_task prompt="x <b>" title="T" profile="standard"/>', '\n<M:restart_server/>'];
    const { text, sent } = streamed(chunks);
    expect(text).toBe('On it.');
    expect(sent.join('')).not.toContain('<M');
  });

  it('text after a tag continues the stream; a tag inside code is text', () => {
    expect(streamed(['Use `<M:x/>` ', 'like this.']).text).toBe('Use `<M:x/>` like this.');
    expect(streamed(['a <b>bold</b> ', 'move']).text).toBe('a <b>bold</b> move');
  });

  it('stops (never sends wrong text) when an earlier tag turns out to be mid-text', () => {
    const { text } = streamed(['Intro\n<M:create_task prompt="p" title="t" profile="standard"/>', '\nmore text']);
    expect('Intro\nmore text'.startsWith(text)).toBe(true);
    expect(text).not.toContain('<M:');
  });
});
