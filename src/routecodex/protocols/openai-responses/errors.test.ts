import { describe, expect, it } from 'vitest';
import { GatewayError, UpstreamFailure } from '../../canonical/index.js';
import { decodeResponsesError } from './errors.js';
import { responsesInbound, responsesUpstream } from './index.js';

const NOW = 1_760_000_000_000;
const openaiError = (message: string, type: string, code: string | null, extra: Record<string, unknown> = {}): unknown => ({
  error: { message, type, param: null, code, ...extra },
});

describe('Responses decodeError (upstream)', () => {
  it.each([
    [429, openaiError('Rate limit reached for o4-mini', 'requests', 'rate_limit_exceeded'), 'rate_limit', 'rate_limit_exceeded'],
    [429, openaiError('You exceeded your current quota', 'insufficient_quota', 'insufficient_quota'), 'quota', 'insufficient_quota'],
    [400, openaiError('Your input exceeds the context window of this model.', 'invalid_request_error', 'context_length_exceeded'), 'context_length', 'context_length_exceeded'],
    [401, openaiError('Incorrect API key provided', 'invalid_request_error', 'invalid_api_key'), 'auth', 'invalid_api_key'],
    [403, openaiError('Project does not have access to model', 'invalid_request_error', 'model_not_found'), 'auth', 'model_not_found'],
    [402, { error: 'payment required' }, 'auth', undefined],
    [500, openaiError('The server had an error while processing your request.', 'server_error', null), 'server', 'server_error'],
    [503, 'upstream connect error', 'server', undefined],
    [408, openaiError('Request timed out', 'timeout', null), 'timeout', 'timeout'],
    [413, 'Request Entity Too Large', 'context_length', undefined],
    [400, openaiError("Invalid type for 'input[0].content'", 'invalid_request_error', 'invalid_type'), 'client_error', 'invalid_type'],
    [404, { message: 'model gpt-9 not found', code: 'model_not_found' }, 'client_error', 'model_not_found'],
  ])('status %i %j → %s', (status, body, cls, code) => {
    const f = decodeResponsesError(status, body, {}, NOW);
    expect(f.class).toBe(cls);
    expect(f.status).toBe(status);
    expect(f.upstreamCode).toBe(code);
    expect(f.message.length).toBeGreaterThan(0);
  });

  it('keeps the upstream message and reads Retry-After', () => {
    const f = responsesUpstream.decodeError(429, openaiError('Rate limit reached', 'requests', 'rate_limit_exceeded'), { 'retry-after': '7' });
    expect(f).toMatchObject({ class: 'rate_limit', message: 'Rate limit reached', retryAfterMs: 7000 });
    expect(decodeResponsesError(500, '', {}, NOW).message).toBe('HTTP 500');
  });

  it('turns usage limits with a reset into quota failures with quotaResetAt', () => {
    const resetsAt = decodeResponsesError(
      429,
      { error: { type: 'usage_limit_reached', message: 'The usage limit has been reached', plan_type: 'plus', resets_at: 1_760_003_600 } },
      {},
      NOW,
    );
    expect(resetsAt).toMatchObject({ class: 'quota', upstreamCode: 'usage_limit_reached', quotaResetAt: 1_760_003_600_000 });
    const resetsIn = decodeResponsesError(429, { error: { type: 'usage_limit_reached', message: 'limit', resets_in_seconds: 90 } }, {}, NOW);
    expect(resetsIn).toMatchObject({ class: 'quota', quotaResetAt: NOW + 90_000 });
    const prose = decodeResponsesError(429, openaiError('Your quota will reset after 1h2m3s.', 'requests', 'rate_limit_exceeded'), {}, NOW);
    expect(prose).toMatchObject({ class: 'quota', quotaResetAt: NOW + 3_723_000 });
    const noReset = decodeResponsesError(400, openaiError('Your quota will reset after 2h.', 'invalid_request_error', null), {}, NOW);
    expect(noReset.class).toBe('client_error');
    expect(noReset.quotaResetAt).toBeUndefined();
  });
});

describe('Responses encodeError (inbound)', () => {
  const upstream = (init: ConstructorParameters<typeof UpstreamFailure>[0]): UpstreamFailure =>
    new UpstreamFailure({ providerKey: 'openai.key1.gpt-4.1', ...init });

  it('answers a gateway error with its status, code and param', () => {
    expect(responsesInbound.encodeError(new GatewayError(400, 'invalid_request_error', 'input[0].role: unsupported role', 'input[0].role'))).toEqual({
      status: 400,
      body: { error: { message: 'input[0].role: unsupported role', type: 'invalid_request_error', param: 'input[0].role', code: 'invalid_request_error' } },
    });
  });

  it('answers upstream failures with the mapped status, retry-after and a message naming the target', () => {
    expect(responsesInbound.encodeError(upstream({ class: 'server', message: 'boom', status: 500 }))).toEqual({
      status: 502,
      body: { error: { message: 'upstream openai.key1.gpt-4.1 returned 500: boom', type: 'api_error', param: null, code: 'server' } },
    });
    const rl = responsesInbound.encodeError(upstream({ class: 'rate_limit', message: 'slow', status: 429, upstreamCode: 'rate_limit_exceeded', retryAfterMs: 1500 }));
    expect(rl).toEqual({
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: { message: 'upstream openai.key1.gpt-4.1 returned 429: slow', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' } },
    });
    const quota = responsesInbound.encodeError(upstream({ class: 'quota', message: 'q', status: 429, quotaResetAt: Date.now() + 60_000 }));
    expect(quota.status).toBe(429);
    expect(Number(quota.headers?.['retry-after'])).toBeGreaterThanOrEqual(59);
    expect(responsesInbound.encodeError(upstream({ class: 'rate_limit', message: 'x' }))).not.toHaveProperty('headers');
  });

  it.each([
    ['context_length', 400, 400],
    ['client_error', 404, 404],
    ['client_error', undefined, 502],
    ['auth', 401, 502],
    ['timeout', undefined, 502],
    ['stream_broken', undefined, 502],
    ['malformed', undefined, 502],
    ['network', undefined, 502],
  ] as const)('%s with upstream status %s → %i', (cls, status, expected) => {
    const reply = responsesInbound.encodeError(upstream({ class: cls, message: 'm', ...(status !== undefined ? { status } : {}) }));
    expect(reply.status).toBe(expected);
    const message = (reply.body as { error: { message: string } }).error.message;
    expect(message).toBe(status !== undefined ? `upstream openai.key1.gpt-4.1 returned ${status}: m` : `upstream openai.key1.gpt-4.1 failed (${cls}): m`);
  });

  it('answers unavailable with 503 and the gateway message', () => {
    const reply = responsesInbound.encodeError(new UpstreamFailure({ class: 'unavailable', message: 'no target for model gpt-9' }));
    expect(reply).toEqual({
      status: 503,
      body: { error: { message: 'no target for model gpt-9', type: 'api_error', param: null, code: 'unavailable' } },
    });
  });
});
