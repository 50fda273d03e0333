import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readBody } from './body-reader.js';

describe('readBody', () => {
  it('hands every chunk over and reports the end', async () => {
    const body = new PassThrough();
    const seen: string[] = [];
    const done = readBody(body, (c) => (seen.push(c.toString()), 'continue'));
    body.write('a');
    body.write('b');
    body.end('c');
    await expect(done).resolves.toEqual({ ended: true });
    expect(seen.join('')).toBe('abc');
  });

  it('stops on request and leaves the rest of the body for the next reader', async () => {
    const body = new PassThrough();
    body.write('one');
    const first = await readBody(body, () => 'stop');
    expect(first).toEqual({ ended: false });
    const rest: string[] = [];
    const second = readBody(body, (c) => (rest.push(c.toString()), 'continue'));
    body.end('two');
    await expect(second).resolves.toEqual({ ended: true });
    expect(rest.join('')).toBe('two');
  });

  it('pauses while a backpressure promise is pending', async () => {
    const body = new PassThrough();
    let release!: () => void;
    const slow = new Promise<void>((r) => (release = r));
    const seen: string[] = [];
    const done = readBody(body, (c) => {
      seen.push(c.toString());
      return seen.length === 1 ? slow : 'continue';
    });
    body.write('x');
    await new Promise((r) => setImmediate(r));
    body.write('y');
    await new Promise((r) => setImmediate(r));
    expect(seen).toEqual(['x']);
    release();
    body.end();
    await done;
    expect(seen).toEqual(['x', 'y']);
  });

  it('turns a throwing handler and a body destroyed mid-way into results, never an uncaught error', async () => {
    const a = new PassThrough();
    const thrown = readBody(a, () => {
      throw new Error('handler bug');
    });
    a.write('boom');
    expect((await thrown).error).toBeInstanceOf(Error);
    const b = new PassThrough();
    const cut = readBody(b, () => 'continue');
    b.write('partial');
    b.destroy();
    const r = await cut;
    expect(r.ended).toBe(false);
    expect(r.error).toBeDefined();
  });

  it('answers at once for a body destroyed before it was read (no wait for a close that already happened)', async () => {
    const body = new PassThrough();
    body.write('held');
    body.on('error', () => undefined);
    body.destroy(new Error('connection reset'));
    await new Promise((r) => setImmediate(r));
    const result = await readBody(body, () => 'continue');
    expect(result.ended).toBe(false);
    expect((result.error as Error).message).toBe('connection reset');
  });
});
