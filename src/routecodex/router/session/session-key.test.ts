import { describe, expect, it } from 'vitest';
import { resolveSessionKey } from './session-key.js';

describe('resolveSessionKey', () => {
  it('takes headers first, in order', () => {
    expect(resolveSessionKey({ headers: { 'x-session-id': 'a', session_id: 'b' } })).toBe('a');
    expect(resolveSessionKey({ headers: { session_id: 'b', conversation_id: 'c' } })).toBe('b');
    expect(resolveSessionKey({ headers: { conversation_id: 'c' }, anthropicUserId: 'user_x_session_d' })).toBe('c');
  });

  it('reads the session from an Anthropic metadata.user_id', () => {
    expect(resolveSessionKey({ headers: {}, anthropicUserId: 'user_abc_account__session_3f2a-99' })).toBe('3f2a-99');
    expect(resolveSessionKey({ headers: {}, anthropicUserId: 'user_abc' })).toBeUndefined();
  });

  it('follows a Responses continuation to its session, then falls back to prompt_cache_key', () => {
    expect(resolveSessionKey({ headers: {}, previousResponseId: 'resp_1', previousResponseSession: 's-9' })).toBe('s-9');
    expect(resolveSessionKey({ headers: {}, previousResponseId: 'resp_1' })).toBe('resp_1');
    expect(resolveSessionKey({ headers: {}, promptCacheKey: 'pk' })).toBe('pk');
    expect(resolveSessionKey({ headers: { 'x-session-id': '  ' } })).toBeUndefined();
  });
});
