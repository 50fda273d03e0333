import { describe, expect, it } from 'vitest';
import { geminiUpstream } from './index.js';
import { decodeGeminiError, isInputTooLongMessage, quotaSeriesOfModel } from './errors.js';
import { fixtureJson } from './test-helpers.js';

interface RecordedError {
  status: number;
  body: unknown;
}
const recorded = fixtureJson('errors.json') as Record<string, RecordedError>;
const NOW = 1_750_000_000_000;

function decode(name: string, headers: Record<string, string> = {}) {
  const e = recorded[name];
  if (e === undefined) throw new Error(`no fixture ${name}`);
  return decodeGeminiError(e.status, e.body, headers, NOW).toJSON();
}

describe('gemini error decoding', () => {
  it('rate_limit with the RetryInfo delay (free-tier per-minute quota, no reset)', () => {
    expect(decode('freeTierRateLimit', { 'retry-after': '5' })).toEqual({
      class: 'rate_limit',
      status: 429,
      upstreamCode: 'RESOURCE_EXHAUSTED',
      retryAfterMs: 38_000,
      message: expect.stringContaining('You exceeded your current quota'),
    });
  });

  it('rate_limit falls back to the Retry-After header', () => {
    const f = decodeGeminiError(429, { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } }, { 'retry-after': '7' }, NOW);
    expect(f.toJSON()).toEqual({ class: 'rate_limit', status: 429, upstreamCode: 'RESOURCE_EXHAUSTED', retryAfterMs: 7000, message: 'Resource has been exhausted (e.g. check quota).' });
  });

  it('quota with reset time and series from ErrorInfo metadata', () => {
    expect(decode('quotaExhaustedClaude')).toEqual({
      class: 'quota',
      status: 429,
      upstreamCode: 'RESOURCE_EXHAUSTED',
      quotaResetAt: NOW + (135 * 3600 + 9 * 60 + 46) * 1000,
      quotaSeries: 'claude',
      message: 'You have exhausted your capacity on this model. Your quota will reset after 135h10m5s.',
    });
  });

  it('quota from the message text alone (array-wrapped body), without a series when no model is named', () => {
    expect(decode('quotaTextOnly')).toEqual({
      class: 'quota',
      status: 429,
      upstreamCode: 'RESOURCE_EXHAUSTED',
      quotaResetAt: NOW + 3_723_000,
      message: 'Individual quota reached for gemini-2.5-pro. Your quota will reset after 1h2m3s.',
    });
  });

  it('quota from quotaResetTimeStamp when no delay is given, series from QuotaFailure dimensions', () => {
    const f = decodeGeminiError(
      429,
      {
        error: {
          code: 429,
          message: 'Quota exceeded.',
          status: 'RESOURCE_EXHAUSTED',
          details: [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'QUOTA_EXHAUSTED', metadata: { quotaResetTimeStamp: '2026-03-05T07:20:42Z' } },
            { '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaDimensions: { model: 'gemini-2.5-flash-lite' } }] },
          ],
        },
      },
      {},
      NOW,
    );
    expect(f.class).toBe('quota');
    expect(f.quotaResetAt).toBe(Date.parse('2026-03-05T07:20:42Z'));
    expect(f.quotaSeries).toBe('gemini-flash');
  });

  it('context_length for INVALID_ARGUMENT input-token overflow, client_error for other bad requests', () => {
    expect(decode('contextLength')).toEqual({
      class: 'context_length',
      status: 400,
      upstreamCode: 'INVALID_ARGUMENT',
      message: 'The input token count (1196265) exceeds the maximum number of tokens allowed (1048575).',
    });
    expect(decode('invalidArgument').class).toBe('client_error');
    expect(decode('notFound')).toMatchObject({ class: 'client_error', status: 404, upstreamCode: 'NOT_FOUND' });
  });

  it('auth for UNAUTHENTICATED, PERMISSION_DENIED and an invalid API key (a 400)', () => {
    expect(decode('unauthenticated')).toMatchObject({ class: 'auth', status: 401, upstreamCode: 'UNAUTHENTICATED' });
    expect(decode('permissionDenied')).toMatchObject({ class: 'auth', status: 403, upstreamCode: 'PERMISSION_DENIED' });
    expect(decode('apiKeyInvalid')).toEqual({
      class: 'auth',
      status: 400,
      upstreamCode: 'INVALID_ARGUMENT',
      message: 'API key not valid. Please pass a valid API key.',
    });
  });

  it('server for UNAVAILABLE and INTERNAL, timeout for DEADLINE_EXCEEDED', () => {
    expect(decode('overloaded', { 'retry-after': '2' })).toEqual({
      class: 'server',
      status: 503,
      upstreamCode: 'UNAVAILABLE',
      retryAfterMs: 2000,
      message: 'The model is overloaded. Please try again later.',
    });
    expect(decode('internal')).toMatchObject({ class: 'server', status: 500, upstreamCode: 'INTERNAL' });
    expect(decode('deadline')).toMatchObject({ class: 'timeout', status: 504, upstreamCode: 'DEADLINE_EXCEEDED' });
  });

  it('falls back to the status and the raw text for a body that is not a Gemini error', () => {
    expect(decodeGeminiError(502, '<html><body>Bad Gateway</body></html>\n', {}, NOW).toJSON()).toEqual({
      class: 'server',
      status: 502,
      message: '<html><body>Bad Gateway</body></html>',
    });
    expect(decodeGeminiError(429, '', {}, NOW).toJSON()).toEqual({ class: 'rate_limit', status: 429, message: 'HTTP 429' });
    expect(decodeGeminiError(418, { detail: 'teapot' }, {}, NOW).toJSON()).toEqual({ class: 'client_error', status: 418, message: '{"detail":"teapot"}' });
  });

  it('is what the codec object exposes', () => {
    const f = geminiUpstream.decodeError(503, recorded.overloaded?.body, {});
    expect(f.class).toBe('server');
    expect(f.retryable).toBe(true);
  });

  it('names model series and recognizes the context-length message', () => {
    expect(quotaSeriesOfModel('claude-opus-4-5-thinking')).toBe('claude');
    expect(quotaSeriesOfModel('claude-sonnet-4-5')).toBe('claude');
    expect(quotaSeriesOfModel('gemini-2.5-flash')).toBe('gemini-flash');
    expect(quotaSeriesOfModel('gemini-3-pro-preview')).toBe('gemini-pro');
    expect(quotaSeriesOfModel('gemma-3-27b-it')).toBeUndefined();
    expect(isInputTooLongMessage('The input token count (5) exceeds the maximum number of tokens allowed (4).')).toBe(true);
    expect(isInputTooLongMessage('Request contains an invalid argument.')).toBe(false);
  });
});
