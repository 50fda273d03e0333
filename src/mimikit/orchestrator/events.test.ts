import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { EventBus } from './events.js';
import type { RuntimeEvent } from './views.js';

const status = { runtimeId: 'r', agentStatus: 'idle' as const, managerRunning: false, pendingInputs: 0, tasks: { pending: 0, running: 0, succeeded: 0, failed: 0, canceled: 0 }, maxWorkers: 3, startedAt: 'x' };

describe('EventBus', () => {
  it('seqs increase from opening time × 1000; a later bus starts above an earlier one', () => {
    const clock = new ManualClock(1_000);
    const a = new EventBus({ clock });
    const seqs = [a.publish({ kind: 'resync' }).seq, a.publish({ kind: 'resync' }).seq];
    expect(seqs).toEqual([1_000_001, 1_000_002]);
    clock.advance(1);
    expect(new EventBus({ clock }).publish({ kind: 'resync' }).seq).toBeGreaterThan(seqs[1]!);
  });

  it('replays buffered events after afterSeq, then delivers live ones; stream deltas are live only', () => {
    const bus = new EventBus({ clock: new ManualClock(1), capacity: 10 });
    const first = bus.publish({ kind: 'status', status });
    bus.publish({ kind: 'stream', id: 's', delta: 'hi' });
    const third = bus.publish({ kind: 'stream_end', id: 's', reason: 'discarded' });
    const got: RuntimeEvent[] = [];
    const off = bus.subscribe(first.seq, (e) => got.push(e));
    expect(got.map((e) => e.seq)).toEqual([third.seq]);
    bus.publish({ kind: 'stream', id: 's2', delta: 'live' });
    off();
    bus.publish({ kind: 'resync' });
    expect(got.map((e) => e.kind)).toEqual(['stream_end', 'stream']);
  });

  it('an afterSeq the buffer no longer covers (or from another runtime) gets a resync first', () => {
    const bus = new EventBus({ clock: new ManualClock(5), capacity: 2 });
    const evicted = bus.publish({ kind: 'status', status });
    bus.publish({ kind: 'status', status });
    bus.publish({ kind: 'status', status });
    for (const after of [evicted.seq - 1, 42, bus.lastSeq + 5]) {
      const got: RuntimeEvent[] = [];
      bus.subscribe(after, (e) => got.push(e))();
      expect(got.map((e) => e.kind)).toEqual(['resync']);
    }
    const ok: RuntimeEvent[] = [];
    bus.subscribe(evicted.seq, (e) => ok.push(e))();
    expect(ok.map((e) => e.kind)).toEqual(['status', 'status']);
  });

  it('a throwing listener does not stop the others; undefined afterSeq = live only', () => {
    const bus = new EventBus({ clock: new ManualClock(1) });
    bus.publish({ kind: 'resync' });
    const got: number[] = [];
    bus.subscribe(undefined, () => {
      throw new Error('boom');
    });
    bus.subscribe(undefined, (e) => got.push(e.seq));
    const e = bus.publish({ kind: 'resync' });
    expect(got).toEqual([e.seq]);
  });
});
