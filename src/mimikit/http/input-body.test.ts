import { describe, expect, it } from 'vitest';
import { HttpError } from './errors.js';
import { parseInputBody } from './input-body.js';

function errorOf(body: unknown): string {
  try {
    parseInputBody(body);
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    expect((e as HttpError).statusCode).toBe(400);
    return (e as HttpError).message;
  }
  throw new Error('expected a 400');
}

describe('POST /api/input body', () => {
  it('maps the client fields and drops blank optional ones', () => {
    expect(parseInputBody({ text: 'hi', quote: 'u-1', clientTimeZone: 'Europe/Paris', clientNowIso: '2026-02-21T10:00:00+01:00', clientLocale: 'fr-FR' })).toEqual({
      text: 'hi',
      quote: 'u-1',
      client: { timeZone: 'Europe/Paris', nowIso: '2026-02-21T10:00:00+01:00', locale: 'fr-FR' },
    });
    expect(parseInputBody({ text: 'hi', quote: ' ', clientLocale: '' })).toEqual({ text: 'hi' });
  });

  it('names the field and the reason', () => {
    expect(errorOf(undefined)).toMatch(/^body: /);
    expect(errorOf([1])).toBe('body: must be a JSON object');
    expect(errorOf('text')).toBe('body: must be a JSON object');
    expect(errorOf({})).toMatch(/^text: /);
    expect(errorOf({ text: 5 })).toMatch(/^text: /);
    expect(errorOf({ text: '   ' })).toBe('text: must not be empty');
    expect(errorOf({ text: 'x'.repeat(100_001) })).toMatch(/^text: at most 100000/);
    expect(errorOf({ text: 'hi', extra: 1 })).toBe('extra: unknown field');
    expect(errorOf({ text: 'hi', clientTimeZone: 'Mars/Olympus' })).toBe('clientTimeZone: not an IANA time zone');
    expect(errorOf({ text: 'hi', clientNowIso: 'yesterday' })).toBe('clientNowIso: not an ISO 8601 date-time');
    expect(errorOf({ text: 'hi', quote: 7 })).toMatch(/^quote: /);
  });
});
