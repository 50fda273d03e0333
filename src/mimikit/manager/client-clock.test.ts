import { describe, expect, it } from 'vitest';
import { clientNowIso, formatInZone, latestClient } from './client-clock.js';

describe('client clock', () => {
  it('formats an instant in a zone with its offset (DST included)', () => {
    expect(formatInZone(Date.parse('2026-03-01T01:00:00Z'), 'Asia/Shanghai')).toBe('2026-03-01T09:00:00+08:00');
    expect(formatInZone(Date.parse('2026-07-01T12:00:00Z'), 'America/New_York')).toBe('2026-07-01T08:00:00-04:00');
    expect(formatInZone(Date.parse('2026-01-01T12:00:00Z'), 'America/New_York')).toBe('2026-01-01T07:00:00-05:00');
  });

  it('carries the client clock forward from its last report (skew kept), instead of reusing a stale now', () => {
    const client = { timeZone: 'Asia/Shanghai', nowIso: '2026-03-01T09:00:30+08:00', receivedAt: '2026-03-01T01:00:00.000Z' };
    const threeHoursLater = Date.parse('2026-03-01T04:00:00Z');
    expect(clientNowIso(client, threeHoursLater)).toBe('2026-03-01T12:00:30+08:00');
  });

  it('without a zone, keeps the offset the client wrote; without anything, nothing', () => {
    expect(clientNowIso({ nowIso: '2026-03-01T09:00:00-03:00', receivedAt: '2026-03-01T12:00:00.000Z' }, Date.parse('2026-03-01T13:00:00Z'))).toBe('2026-03-01T10:00:00-03:00');
    expect(clientNowIso(undefined, 0)).toBeUndefined();
    expect(clientNowIso({ receivedAt: '2026-03-01T12:00:00.000Z' }, 0)).toBeUndefined();
  });

  it('takes the newest input that carries client info, else the remembered one', () => {
    const remembered = { timeZone: 'UTC', receivedAt: '2020-01-01T00:00:00.000Z' };
    const packet = (id: string, client?: { timeZone: string }) => ({ id, createdAt: '2026-01-01T00:00:00.000Z', payload: { id, role: 'user' as const, text: 'x', createdAt: '2026-01-01T00:00:00.000Z', wake: 'user_input' as const, ...(client ? { client } : {}) } });
    expect(latestClient([packet('a', { timeZone: 'Asia/Tokyo' }), packet('b')], remembered)?.timeZone).toBe('Asia/Tokyo');
    expect(latestClient([packet('b')], remembered)).toBe(remembered);
  });
});
