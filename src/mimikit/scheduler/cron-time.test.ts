import { describe, expect, it } from 'vitest';
import type { CronJob } from '../model/index.js';
import { CronJobError, dueFire, nextFire } from './cron-time.js';

const job = (over: Partial<CronJob>): CronJob => ({ id: 't-b1-1', prompt: 'p', title: 'T', profile: 'standard', enabled: true, createdAt: '2026-03-01T00:00:00.000Z', ...over });
const at = (iso: string) => Date.parse(iso);

describe('cron time', () => {
  it('cron: the latest fire in (baseline, now], once however many were missed; read in the job time zone', () => {
    const daily = job({ cron: '0 0 9 * * *', timeZone: 'Asia/Shanghai' });
    expect(dueFire(daily, at('2026-03-01T00:59:59.000Z'))).toBeUndefined();
    expect(dueFire(daily, at('2026-03-01T01:00:00.000Z'))).toBe(at('2026-03-01T01:00:00.000Z'));
    expect(dueFire(daily, at('2026-03-04T05:00:00.000Z'))).toBe(at('2026-03-04T01:00:00.000Z'));
    expect(dueFire({ ...daily, lastTriggeredAt: '2026-03-04T01:00:00.000Z' }, at('2026-03-04T05:00:00.000Z'))).toBeUndefined();
    expect(nextFire({ ...daily, lastTriggeredAt: '2026-03-04T01:00:00.000Z' }, at('2026-03-04T05:00:00.000Z'))).toBe(at('2026-03-05T01:00:00.000Z'));
    expect(nextFire(job({ cron: '0 0 9 * * *' }), at('2026-03-01T00:00:00.000Z'))).toBe(at('2026-03-01T09:00:00.000Z')); // no zone: UTC
  });

  it('scheduledAt: due once when reached, never again after it fired', () => {
    const once = job({ scheduledAt: '2026-03-01T09:00:00+08:00' });
    expect(dueFire(once, at('2026-03-01T00:59:00.000Z'))).toBeUndefined();
    expect(nextFire(once, at('2026-03-01T00:59:00.000Z'))).toBe(at('2026-03-01T01:00:00.000Z'));
    expect(dueFire(once, at('2026-03-02T00:00:00.000Z'))).toBe(at('2026-03-01T01:00:00.000Z'));
    const fired = { ...once, lastTriggeredAt: '2026-03-01T01:00:00.000Z' };
    expect([dueFire(fired, at('2026-03-02T00:00:00.000Z')), nextFire(fired, 0)]).toEqual([undefined, undefined]);
  });

  it('disabled jobs never fire; a bad expression or zone is a CronJobError', () => {
    expect(dueFire(job({ cron: '* * * * * *', enabled: false }), at('2026-03-02T00:00:00.000Z'))).toBeUndefined();
    expect(() => dueFire(job({ cron: 'every day' }), 0)).toThrow(CronJobError);
    expect(() => nextFire(job({ cron: '0 0 9 * * *', timeZone: 'Mars/Olympus' }), at('2026-03-01T00:00:00.000Z'))).toThrow(CronJobError);
  });
});
