import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../shared/clock.js';
import { ResponsesConversationStore, type StoredResponse } from './responses-store.js';

const entry = (id: string, text = 'x', createdAt = 0): StoredResponse => ({
  id,
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
  upstreamHoldsState: false,
  createdAt,
});

describe('ResponsesConversationStore', () => {
  it('evicts the least recently used entry past maxEntries', () => {
    const clock = new ManualClock(0);
    const store = new ResponsesConversationStore({ maxEntries: 2, maxBytes: 1e9, ttlMs: 1e9 }, clock);
    store.put(entry('a'));
    store.put(entry('b'));
    expect(store.get('a')?.id).toBe('a'); // a is now the most recent
    store.put(entry('c'));
    expect(store.get('b')).toBeUndefined();
    expect(store.get('a')?.id).toBe('a');
    expect(store.get('c')?.id).toBe('c');
  });

  it('bounds total bytes', () => {
    const store = new ResponsesConversationStore({ maxEntries: 100, maxBytes: 2000, ttlMs: 1e9 }, new ManualClock(0));
    for (let i = 0; i < 10; i++) store.put(entry(`e${i}`, 'y'.repeat(300)));
    expect(store.size).toBeLessThan(10);
    expect(store.get('e9')).toBeDefined();
    expect(store.get('e0')).toBeUndefined();
  });

  it('forgets entries past their age', () => {
    const clock = new ManualClock(1000);
    const store = new ResponsesConversationStore({ maxEntries: 10, maxBytes: 1e9, ttlMs: 500 }, clock);
    store.put(entry('a', 'x', 1000));
    clock.advance(499);
    expect(store.get('a')).toBeDefined();
    clock.advance(1);
    expect(store.get('a')).toBeUndefined();
  });
});
