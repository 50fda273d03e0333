import { describe, expect, it } from 'vitest';
import { CreateDebouncer, debounceKey, taskFingerprint } from './task-keys.js';

const base = { prompt: 'Find the 3 best hotels in Kyoto', title: 'Kyoto hotels', profile: 'standard' };

describe('task keys', () => {
  it('the fingerprint ignores case and spacing but not digits or schedules', () => {
    expect(taskFingerprint({ ...base, title: '  kyoto   HOTELS ' })).toBe(taskFingerprint(base));
    expect(taskFingerprint({ ...base, prompt: 'Find the 4 best hotels in Kyoto' })).not.toBe(taskFingerprint(base));
    expect(taskFingerprint({ ...base, cron: '0 0 9 * * *' })).not.toBe(taskFingerprint(base));
  });

  it('the debounce key also folds digits and punctuation', () => {
    expect(debounceKey({ ...base, prompt: 'Find the 4 best hotels, in Kyoto!' })).toBe(debounceKey(base));
    expect(debounceKey({ ...base, profile: 'specialist' })).not.toBe(debounceKey(base));
  });

  it('the debouncer remembers keys for its window', () => {
    const d = new CreateDebouncer(() => 1_000);
    d.remember(['k'], 10_000);
    expect([d.isRecent('k', 10_999), d.isRecent('k', 11_000), d.isRecent('other', 10_500)]).toEqual([true, false, false]);
  });
});
