import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayError, UpstreamFailure, type FailureClass } from '../../canonical/index.js';
import { SseParser } from '../sse.js';
import { anthropicInbound, anthropicUpstream } from './index.js';
import { isPromptTooLong } from './errors.js';

const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
const body = (type: string, message: string) => ({ type: 'error', error: { type, message }, request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy' });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
});
afterEach(() => {
  vi.useRealTimers();
});

describe('anthropic decodeError', () => {
  it.each<[number, unknown, FailureClass, string | undefined]>([
    [400, body('invalid_request_error', 'messages.1.content.0.text: field required'), 'client_error', 'invalid_request_error'],
    [400, body('invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum'), 'context_length', 'invalid_request_error'],
    [413, body('request_too_large', 'Request exceeds the maximum allowed number of bytes.'), 'context_length', 'request_too_large'],
    [401, body('authentication_error', 'invalid x-api-key'), 'auth', 'authentication_error'],
    [402, body('billing_error', 'Your credit balance is too low'), 'auth', 'billing_error'],
    [403, body('permission_error', 'Your API key does not have permission to use the specified resource.'), 'auth', 'permission_error'],
    [404, body('not_found_error', 'model: claude-nope'), 'client_error', 'not_found_error'],
    [408, 'request timeout', 'timeout', undefined],
    [429, body('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), 'rate_limit', 'rate_limit_error'],
    [500, body('api_error', 'Internal server error'), 'server', 'api_error'],
    [503, 'upstream connect error or disconnect/reset before headers', 'server', undefined],
    [504, body('timeout_error', 'Request timed out'), 'server', 'timeout_error'],
    [529, body('overloaded_error', 'Overloaded'), 'server', 'overloaded_error'],
  ])('%i %j → %s', (status, errBody, cls, code) => {
    const f = anthropicUpstream.decodeError(status, errBody, {});
    expect(f.class).toBe(cls);
    expect(f.status).toBe(status);
    expect(f.upstreamCode).toBe(code);
    const expected = typeof errBody === 'string' ? errBody : (errBody as ReturnType<typeof body>).error.message;
    expect(f.message).toBe(expected);
  });

  it('does not read "prompt is too long" from other error types or non-prefix positions', () => {
    expect(isPromptTooLong('invalid_request_error', 'prompt is too long: 1 > 0')).toBe(true);
    expect(isPromptTooLong('api_error', 'prompt is too long')).toBe(false);
    expect(isPromptTooLong('invalid_request_error', 'the prompt is too long')).toBe(false);
    expect(anthropicUpstream.decodeError(500, body('api_error', 'prompt is too long'), {}).class).toBe('server');
  });

  it('keeps the server-requested wait', () => {
    const f = anthropicUpstream.decodeError(429, body('rate_limit_error', 'slow down'), { 'retry-after': '30' });
    expect(f.class).toBe('rate_limit');
    expect(f.retryAfterMs).toBe(30_000);
    expect(anthropicUpstream.decodeError(529, body('overloaded_error', 'Overloaded'), { 'retry-after-ms': '1500' }).retryAfterMs).toBe(1500);
  });

  it('classifies a 429 with a quota reset as quota with its reset time', () => {
    const f = anthropicUpstream.decodeError(429, body('rate_limit_error', 'You have used your quota; quota resets in 1h30m.'), {});
    expect(f.class).toBe('quota');
    expect(f.quotaResetAt).toBe(NOW + 90 * 60_000);
  });

  it('uses the status when the body is empty', () => {
    const f = anthropicUpstream.decodeError(502, '', {});
    expect(f.class).toBe('server');
    expect(f.message).toBe('HTTP 502');
  });
});

describe('anthropic encodeError', () => {
  const up = (init: ConstructorParameters<typeof UpstreamFailure>[0]) => new UpstreamFailure({ providerKey: 'anthropic.key1.claude-sonnet-4-5', ...init });

  it.each<[UpstreamFailure | GatewayError, number, string, string, Record<string, string> | undefined]>([
    [new GatewayError(400, 'invalid_request_error', 'max_tokens: expected number', 'max_tokens'), 400, 'invalid_request_error', 'max_tokens: expected number', undefined],
    [new GatewayError(404, 'model_not_found', 'unknown model: gpt-9'), 404, 'not_found_error', 'unknown model: gpt-9', undefined],
    [new GatewayError(401, 'authentication_error', 'bad gateway key'), 401, 'authentication_error', 'bad gateway key', undefined],
    [
      up({ class: 'rate_limit', status: 429, message: 'Rate limited', retryAfterMs: 1500 }),
      429,
      'rate_limit_error',
      'upstream anthropic.key1.claude-sonnet-4-5 returned 429: Rate limited',
      { 'retry-after': '2' },
    ],
    [up({ class: 'rate_limit', status: 429, message: 'Rate limited' }), 429, 'rate_limit_error', 'upstream anthropic.key1.claude-sonnet-4-5 returned 429: Rate limited', undefined],
    [
      up({ class: 'quota', status: 429, message: 'quota exhausted', quotaResetAt: NOW + 60_500 }),
      429,
      'rate_limit_error',
      'upstream anthropic.key1.claude-sonnet-4-5 returned 429: quota exhausted',
      { 'retry-after': '61' },
    ],
    [up({ class: 'client_error', status: 400, message: 'bad image' }), 400, 'invalid_request_error', 'upstream anthropic.key1.claude-sonnet-4-5 returned 400: bad image', undefined],
    [up({ class: 'context_length', status: 413, message: 'too big' }), 413, 'request_too_large', 'upstream anthropic.key1.claude-sonnet-4-5 returned 413: too big', undefined],
    [up({ class: 'context_length', message: 'too long' }), 502, 'api_error', 'upstream anthropic.key1.claude-sonnet-4-5 failed (context_length): too long', undefined],
    [new UpstreamFailure({ class: 'unavailable', message: 'no target available for claude-x' }), 503, 'overloaded_error', 'no target available for claude-x', undefined],
    [up({ class: 'server', status: 529, message: 'Overloaded' }), 502, 'api_error', 'upstream anthropic.key1.claude-sonnet-4-5 returned 529: Overloaded', undefined],
    [up({ class: 'auth', status: 401, message: 'invalid x-api-key' }), 502, 'api_error', 'upstream anthropic.key1.claude-sonnet-4-5 returned 401: invalid x-api-key', undefined],
    [up({ class: 'network', message: 'ECONNRESET' }), 502, 'api_error', 'upstream anthropic.key1.claude-sonnet-4-5 failed (network): ECONNRESET', undefined],
    [new UpstreamFailure({ class: 'timeout', message: 'no first byte in 60s' }), 502, 'api_error', 'upstream failed (timeout): no first byte in 60s', undefined],
  ])('%s → %i %s', (error, status, type, message, headers) => {
    const reply = anthropicInbound.encodeError(error);
    expect(reply.status).toBe(status);
    expect(reply.body).toEqual({ type: 'error', error: { type, message } });
    expect(reply.headers).toEqual(headers);
  });

  it('encodes an in-band stream error frame the SDK reads', () => {
    const enc = anthropicInbound.createStreamEncoder({ model: 'm', responseId: 'msg_1', createdAt: NOW, streamUsage: false });
    const text = enc.encodeError(new UpstreamFailure({ class: 'stream_broken', message: 'upstream closed', providerKey: 'p' }));
    expect(text).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"upstream p failed (stream_broken): upstream closed"}}\n\n',
    );
    const [ev] = new SseParser().push(text);
    expect(ev?.event).toBe('error');
  });
});
