import { describe, expect, it } from 'vitest';
import { UpstreamFailure, type FailureClass } from '../../canonical/index.js';
import { ManualClock } from '../../../shared/clock.js';
import { HealthTracker } from './health-tracker.js';
import { MemoryHealthStore } from './types.js';

const policy = {
  failureThreshold: 3,
  cooldownMs: 30_000,
  fatalCooldownMs: 600_000,
  rateLimitScheduleMs: [5_000, 15_000, 30_000],
  maxRetryAfterMs: 900_000,
  whenAllCooling: 'try-soonest' as const,
};
const K = 'p.key1.m';

function setup(peers: string[] = []) {
  const clock = new ManualClock(1_000_000);
  const store = new MemoryHealthStore();
  const tracker = new HealthTracker(store, policy, clock, () => peers);
  return { clock, store, tracker };
}
const fail = (cls: FailureClass, extra: Partial<ConstructorParameters<typeof UpstreamFailure>[0]> = {}) =>
  new UpstreamFailure({ class: cls, message: `${cls} happened`, ...extra });

describe('429 ladder and Retry-After', () => {
  it('cools for the next ladder step when there is no Retry-After, and the ladder climbs', () => {
    const { clock, tracker } = setup();
    tracker.reportFailure(K, fail('rate_limit', { status: 429 }));
    expect(tracker.view(K)).toMatchObject({ state: 'cooling', reason: 'rate_limit', cooldownExpiresAt: 1_005_000 });
    expect(tracker.isAvailable(K)).toBe(false);
    clock.advance(5_000);
    expect(tracker.view(K).state).toBe('half-open');
    tracker.reportFailure(K, fail('rate_limit'));
    expect(tracker.view(K).cooldownExpiresAt).toBe(clock.now() + 15_000);
    clock.advance(15_000);
    tracker.reportFailure(K, fail('rate_limit'));
    tracker.reportFailure(K, fail('rate_limit'));
    // The ladder stays on its last step.
    expect(tracker.view(K).cooldownExpiresAt).toBe(clock.now() + 30_000);
  });

  it('honours a longer Retry-After, but never waits less than the ladder step', () => {
    const { tracker } = setup();
    tracker.reportFailure(K, fail('rate_limit', { retryAfterMs: 20_000 }));
    expect(tracker.view(K).cooldownExpiresAt).toBe(1_020_000);
    const b = setup();
    b.tracker.reportFailure(K, fail('rate_limit', { retryAfterMs: 1_000 }));
    expect(b.tracker.view(K).cooldownExpiresAt).toBe(1_005_000);
  });

  it('clamps Retry-After to maxRetryAfterMs', () => {
    const { tracker } = setup();
    tracker.reportFailure(K, fail('rate_limit', { retryAfterMs: 10 * 3_600_000 }));
    expect(tracker.view(K).cooldownExpiresAt).toBe(1_000_000 + 900_000);
  });

  it('only ever extends a running cooldown', () => {
    const { clock, tracker } = setup();
    tracker.reportFailure(K, fail('rate_limit', { retryAfterMs: 60_000 }));
    clock.advance(1_000);
    tracker.reportFailure(K, fail('rate_limit'));
    expect(tracker.view(K).cooldownExpiresAt).toBe(1_060_000);
  });

  it('a success resets the ladder', () => {
    const { clock, tracker } = setup();
    tracker.reportFailure(K, fail('rate_limit'));
    clock.advance(5_000);
    tracker.reportSuccess(K);
    expect(tracker.view(K).state).toBe('healthy');
    tracker.reportFailure(K, fail('rate_limit'));
    expect(tracker.view(K).cooldownExpiresAt).toBe(clock.now() + 5_000);
  });
});

describe('server failures', () => {
  it('cools only after failureThreshold consecutive failures, and a success resets the count', () => {
    const { clock, tracker } = setup();
    tracker.reportFailure(K, fail('server', { status: 500 }));
    tracker.reportFailure(K, fail('network'));
    expect(tracker.view(K)).toMatchObject({ state: 'healthy', failureCount: 2 });
    tracker.reportSuccess(K);
    tracker.reportFailure(K, fail('timeout'));
    tracker.reportFailure(K, fail('server'));
    expect(tracker.view(K).state).toBe('healthy');
    tracker.reportFailure(K, fail('stream_broken'));
    expect(tracker.view(K)).toMatchObject({ state: 'cooling', reason: 'server', cooldownExpiresAt: clock.now() + 30_000 });
  });

  it('half-open lets exactly one probe through; its failure cools again, its success heals', () => {
    const { clock, tracker } = setup();
    for (let i = 0; i < 3; i++) tracker.reportFailure(K, fail('server'));
    clock.advance(30_000);
    expect(tracker.view(K).state).toBe('half-open');
    expect(tracker.acquire(K)).toBe(true);
    expect(tracker.isAvailable(K)).toBe(false);
    expect(tracker.acquire(K)).toBe(false);
    tracker.reportFailure(K, fail('server'));
    expect(tracker.view(K)).toMatchObject({ state: 'cooling', cooldownExpiresAt: clock.now() + 30_000 });
    clock.advance(30_000);
    expect(tracker.acquire(K)).toBe(true);
    tracker.reportSuccess(K);
    expect(tracker.view(K)).toMatchObject({ state: 'healthy', failureCount: 0 });
  });

  it('a neutral report frees the probe slot without changing state', () => {
    const { clock, tracker } = setup();
    for (let i = 0; i < 3; i++) tracker.reportFailure(K, fail('server'));
    clock.advance(30_000);
    expect(tracker.acquire(K)).toBe(true);
    tracker.reportNeutral(K);
    expect(tracker.view(K).state).toBe('half-open');
    expect(tracker.isAvailable(K)).toBe(true);
  });
});

describe('auth and quota trips', () => {
  it('auth trips for fatalCooldownMs and is never chosen by try-soonest', () => {
    const { tracker } = setup();
    tracker.reportFailure(K, fail('auth', { status: 401 }));
    expect(tracker.view(K)).toMatchObject({ state: 'tripped', reason: 'auth', cooldownExpiresAt: 1_600_000 });
    expect(tracker.soonestCooling([K])).toBeUndefined();
  });

  it('a quota reset time cools until that time, and the whole model series of the account with it', () => {
    const peer = 'p.key1.m-other';
    const { tracker, store } = setup([K, peer]);
    tracker.reportFailure(K, fail('quota', { quotaResetAt: 5_000_000, quotaSeries: 'claude' }));
    expect(tracker.view(K)).toMatchObject({ state: 'tripped', reason: 'quota', cooldownExpiresAt: 5_000_000 });
    expect(tracker.view(peer)).toMatchObject({ state: 'tripped', reason: 'quota', cooldownExpiresAt: 5_000_000 });
    expect(store.events).toHaveLength(1);
  });

  it('a rate-limit cooldown does not downgrade a running trip', () => {
    const { tracker } = setup();
    tracker.reportFailure(K, fail('auth'));
    tracker.reportFailure(K, fail('rate_limit'));
    expect(tracker.view(K)).toMatchObject({ state: 'tripped', reason: 'auth', cooldownExpiresAt: 1_600_000 });
  });
});

describe('neutral failures and reset', () => {
  it('client errors and context-length errors leave the key alone', () => {
    const { tracker, store } = setup();
    tracker.reportFailure(K, fail('client_error', { status: 400 }));
    tracker.reportFailure(K, fail('context_length'));
    expect(tracker.view(K)).toMatchObject({ state: 'healthy', failureCount: 0 });
    expect(store.events).toHaveLength(0);
  });

  it('soonestCooling picks the earliest rate-limit/server cooldown; reset clears state', () => {
    const { tracker } = setup();
    tracker.reportFailure('a', fail('rate_limit', { retryAfterMs: 50_000 }));
    tracker.reportFailure('b', fail('rate_limit', { retryAfterMs: 20_000 }));
    tracker.reportFailure('c', fail('auth'));
    expect(tracker.soonestCooling(['a', 'b', 'c'])).toEqual({ providerKey: 'b', until: 1_020_000 });
    expect(tracker.reset('b')).toEqual(['b']);
    expect(tracker.view('b').state).toBe('healthy');
    tracker.reset();
    expect(tracker.view('a').state).toBe('healthy');
  });

  it('emits transitions for observers', () => {
    const { tracker } = setup();
    const seen: string[] = [];
    tracker.onTransition((t) => seen.push(`${t.from}->${t.to}`));
    tracker.reportFailure(K, fail('rate_limit'));
    tracker.reportSuccess(K);
    expect(seen).toEqual(['healthy->cooling', 'cooling->healthy']);
  });
});
