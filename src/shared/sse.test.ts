import { describe, expect, it } from 'vitest';
import { SseParser, sseFrame } from './sse.js';

const frames = `event: a\ndata: {"x":"é 中 😀"}\n\n: keep-alive\n\ndata: line1\ndata: line2\nid: 7\n\ndata: [DONE]\n\n`;

function parseSplit(bytes: Buffer, at: number) {
  const p = new SseParser();
  return [...p.push(bytes.subarray(0, at)), ...p.push(bytes.subarray(at)), ...p.end()].map((e) => ({ event: e.event, data: e.data, id: e.id }));
}

describe('SseParser', () => {
  it.each([
    ['LF', frames],
    ['CRLF', frames.replace(/\n/g, '\r\n')],
    ['CR', frames.replace(/\n/g, '\r')],
  ])('gives the same events at every split point (%s line endings, multi-byte characters split)', (_name, text) => {
    const bytes = Buffer.from(text);
    const whole = parseSplit(bytes, bytes.length);
    expect(whole).toEqual([
      { event: 'a', data: '{"x":"é 中 😀"}', id: undefined },
      { event: undefined, data: 'line1\nline2', id: '7' },
      { event: undefined, data: '[DONE]', id: undefined },
    ]);
    for (let i = 1; i < bytes.length; i++) expect(parseSplit(bytes, i)).toEqual(whole);
  });

  it('dispatches a last event without its blank line at the end', () => {
    const p = new SseParser();
    expect(p.push('data: tail')).toEqual([]);
    expect(p.end().map((e) => e.data)).toEqual(['tail']);
  });

  it('formats frames that parse back', () => {
    const p = new SseParser();
    const out = p.push(sseFrame({ a: 1 }, 'x') + sseFrame('two\nlines'));
    expect(out.map((e) => [e.event, e.data])).toEqual([['x', '{"a":1}'], [undefined, 'two\nlines']]);
  });

  describe('raw text (what a passthrough forwards)', () => {
    const stream = ': keep-alive\n\nevent: a\ndata: {"x":"é 中 😀"}\n\n: note\ndata: line1\ndata: line2\nid: 7\n\nretry: 10\n\ndata: [DONE]\n\n';

    const rawAt = (text: string, split: number): string[] => {
      const bytes = Buffer.from(text);
      const p = new SseParser();
      return [...p.push(bytes.subarray(0, split)), ...p.push(bytes.subarray(split)), ...p.end()].map((e) => e.raw);
    };

    it('is each event exactly as sent, comment lines included, at every split point', () => {
      const expected = ['event: a\ndata: {"x":"é 中 😀"}\n\n', ': note\ndata: line1\ndata: line2\nid: 7\n\n', 'data: [DONE]\n\n'];
      const bytes = Buffer.from(stream);
      for (let i = 0; i <= bytes.length; i++) expect(rawAt(stream, i)).toEqual(expected);
    });

    it('has CRLF and CR line endings normalized to LF', () => {
      const expected = ['event: a\ndata: x\n\n', 'data: y\n\n'];
      for (const eol of ['\r\n', '\r']) {
        const text = `event: a${eol}data: x${eol}${eol}data: y${eol}${eol}`;
        for (let i = 0; i <= text.length; i++) expect(rawAt(text, i)).toEqual(expected);
      }
    });

    it('ends a last event that lacked its blank line with one', () => {
      for (const text of ['data: tail', 'data: tail\n']) {
        const p = new SseParser();
        expect([...p.push(text), ...p.end()].map((e) => e.raw)).toEqual(['data: tail\n\n']);
      }
    });
  });
});
