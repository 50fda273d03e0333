import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../shared/clock.js';
import { silentLogger } from '../../shared/logger.js';
import { IdleLoop } from './idle-loop.js';

let loop: IdleLoop | undefined;
afterEach(async () => {
  await loop?.stop();
  loop = undefined;
});

function idle(afterMs: number, busy: { value: boolean }) {
  let fired: number | undefined;
  const windows: number[] = [];
  let notify: (() => void) | undefined;
  loop = new IdleLoop({
    afterMs,
    clock: systemClock,
    logger: silentLogger(),
    isBusy: () => busy.value,
    firedWindow: () => fired,
    fire: async (w) => {
      windows.push(w);
      fired = w;
      notify?.();
    },
  });
  const nextFire = () => new Promise<void>((r) => (notify = r));
  return { loop, windows, nextFire };
}

describe('IdleLoop', () => {
  it('fires once per idle window, after afterMs of quiet; activity opens the next window', async () => {
    const { loop: l, windows, nextFire } = idle(80, { value: false });
    const start = Date.now();
    const first = nextFire();
    l.start(start);
    await first;
    expect(Date.now() - start).toBeGreaterThanOrEqual(79);
    expect(windows).toEqual([start]);
    l.poke(); // the same window: nothing
    const second = nextFire();
    const activity = Date.now() + 1;
    l.noteActivity(activity);
    await second;
    expect(windows).toEqual([start, activity]);
  });

  it('does not fire while busy; the end of the busy state (a poke) lets it fire', async () => {
    const busy = { value: true };
    const { loop: l, windows, nextFire } = idle(30, busy);
    const fired = nextFire();
    l.start(Date.now() - 1_000); // already past the deadline
    expect(windows).toEqual([]);
    busy.value = false;
    l.poke();
    await fired;
    expect(windows).toHaveLength(1);
  });
});
