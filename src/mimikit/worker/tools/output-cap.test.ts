import { describe, expect, it } from 'vitest';
import { capText, HeadTailBuffer } from './output-cap.js';

describe('HeadTailBuffer', () => {
  it('keeps everything under the cap', () => {
    const buf = new HeadTailBuffer(100);
    buf.push(Buffer.from('hello '));
    buf.push(Buffer.from('world'));
    expect(buf.toString()).toBe('hello world');
    expect(buf.totalBytes).toBe(11);
  });

  it('keeps the head and the tail of a long stream, in many chunks, and counts what it dropped', () => {
    const buf = new HeadTailBuffer(20);
    const text = Array.from({ length: 1000 }, (_, i) => String(i % 10)).join('');
    for (let i = 0; i < text.length; i += 7) buf.push(Buffer.from(text.slice(i, i + 7)));
    expect(buf.toString()).toBe(`${text.slice(0, 10)}\n… 980 bytes omitted …\n${text.slice(-10)}`);
  });

  it('capText leaves short text alone and cuts long text', () => {
    expect(capText('short', 10)).toBe('short');
    expect(capText('a'.repeat(50) + 'b'.repeat(50), 10)).toBe(`aaaaa\n… 90 bytes omitted …\nbbbbb`);
  });
});
