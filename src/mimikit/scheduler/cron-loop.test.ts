import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import type { CronJob } from '../model/index.js';
import { CronLoop } from './cron-loop.js';

const job = (over: Partial<CronJob>): CronJob => ({ id: 'j', prompt: 'p', title: 'T', profile: 'standard', enabled: true, createdAt: '2026-03-01T00:00:00.000Z', ...over });
let loop: CronLoop | undefined;
afterEach(async () => {
  await loop?.stop();
  loop = undefined;
});

/** A loop whose fire records the fire on the job, as the runtime does. */
function loopOver(jobs: CronJob[], clock: ManualClock | typeof systemClock, fires: Array<{ id: string; at: number; catchUp: boolean }>, invalid: string[] = []): CronLoop {
  return new CronLoop({
    jobs: () => jobs,
    clock,
    logger: silentLogger(),
    fire: async (j, at, catchUp) => {
      fires.push({ id: j.id, at, catchUp });
      j.lastTriggeredAt = new Date(at).toISOString();
      if (j.scheduledAt) j.enabled = false;
    },
    onInvalid: (j) => {
      invalid.push(j.id);
      j.enabled = false;
    },
  });
}

describe('CronLoop', () => {
  it('on start, a fire missed while down fires once as a catch-up; later ticks fire on time', async () => {
    const clock = new ManualClock(Date.parse('2026-03-03T12:00:00.000Z'));
    const jobs = [job({ id: 'daily', cron: '0 0 9 * * *', lastTriggeredAt: '2026-03-01T09:00:00.000Z' }), job({ id: 'fresh', cron: '0 0 9 * * *', createdAt: '2026-03-03T10:00:00.000Z' })];
    const fires: Array<{ id: string; at: number; catchUp: boolean }> = [];
    loop = loopOver(jobs, clock, fires);
    await loop.start();
    expect(fires).toEqual([{ id: 'daily', at: Date.parse('2026-03-03T09:00:00.000Z'), catchUp: true }]);
    clock.set(Date.parse('2026-03-04T09:00:00.000Z'));
    await loop.reschedule();
    expect(fires.slice(1)).toEqual([
      { id: 'daily', at: Date.parse('2026-03-04T09:00:00.000Z'), catchUp: false },
      { id: 'fresh', at: Date.parse('2026-03-04T09:00:00.000Z'), catchUp: false },
    ]);
  });

  it('arms a real timer to the next fire (no polling)', async () => {
    const fires: Array<{ id: string; at: number; catchUp: boolean }> = [];
    const due = Date.now() + 150;
    const jobs = [job({ id: 'soon', scheduledAt: new Date(due).toISOString(), createdAt: new Date().toISOString() })];
    let fired!: () => void;
    const firedPromise = new Promise<void>((r) => (fired = r));
    loop = new CronLoop({ jobs: () => jobs, clock: systemClock, logger: silentLogger(), onInvalid: () => undefined, fire: async (j, at, catchUp) => {
      fires.push({ id: j.id, at, catchUp });
      j.lastTriggeredAt = new Date(at).toISOString();
      j.enabled = false;
      fired();
    } });
    await loop.start();
    expect(fires).toEqual([]);
    await firedPromise;
    expect(fires).toEqual([{ id: 'soon', at: due, catchUp: false }]);
    expect(Date.now()).toBeGreaterThanOrEqual(due);
  });

  it('a job that cannot be scheduled is reported (and disabled by the owner); the others still fire', async () => {
    const clock = new ManualClock(Date.parse('2026-03-01T10:00:00.000Z'));
    const jobs = [job({ id: 'bad', cron: 'nonsense' }), job({ id: 'good', scheduledAt: '2026-03-01T09:00:00.000Z' })];
    const fires: Array<{ id: string; at: number; catchUp: boolean }> = [];
    const invalid: string[] = [];
    loop = loopOver(jobs, clock, fires, invalid);
    await loop.start();
    expect(invalid).toEqual(['bad']);
    expect(fires.map((f) => f.id)).toEqual(['good']);
  });
});
