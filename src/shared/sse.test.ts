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
});
