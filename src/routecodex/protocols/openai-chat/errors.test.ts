import { describe, expect, it } from 'vitest';
import { GatewayError, UpstreamFailure } from '../../canonical/index.js';
import { decodeChatError } from './errors.js';
import { openaiChatInbound, openaiChatUpstream } from './index.js';

const NOW = 1_754_556_000_000;
const err = (message: string, type: string | null, code: string | null, param: string | null = null) => ({
  error: { message, type, param, code },
});

describe('openai-chat decodeError', () => {
  it('classifies context-length errors by their code', () => {
    const f = openaiChatUpstream.decodeError(
      400,
      err("This model's maximum context length is 128000 tokens.", 'invalid_request_error', 'context_length_exceeded', 'messages'),
      {},
    );
    expect(f.toJSON()).toEqual({
      class: 'context_length',
      message: "This model's maximum context length is 128000 tokens.",
      status: 400,
      upstreamCode: 'context_length_exceeded',
    });
    expect(openaiChatUpstream.decodeError(413, 'Request Entity Too Large', {}).class).toBe('context_length');
  });

  it('classifies insufficient_quota as quota, with a reset time when the message gives one', () => {
    const q = openaiChatUpstream.decodeError(429, err('You exceeded your current quota.', 'insufficient_quota', 'insufficient_quota'), {});
    expect(q.toJSON()).toEqual({ class: 'quota', message: 'You exceeded your current quota.', status: 429, upstreamCode: 'insufficient_quota' });
    const r = decodeChatError(429, err('Your quota will reset after 1h2m3s.', 'insufficient_quota', 'insufficient_quota'), {}, NOW);
    expect(r.class).toBe('quota');
    expect(r.quotaResetAt).toBe(NOW + 3_723_000);
  });

  it('classifies 429 as rate_limit with the server-requested wait', () => {
    const body = err('Rate limit reached for gpt-4.1 on tokens per min (TPM).', 'tokens', 'rate_limit_exceeded');
    expect(decodeChatError(429, body, { 'retry-after': '7' }, NOW).toJSON()).toEqual({
      class: 'rate_limit',
      message: 'Rate limit reached for gpt-4.1 on tokens per min (TPM).',
      status: 429,
      upstreamCode: 'rate_limit_exceeded',
      retryAfterMs: 7000,
    });
    expect(decodeChatError(429, body, { 'retry-after-ms': '1500' }, NOW).retryAfterMs).toBe(1500);
  });

  it.each([
    [401, err('Incorrect API key provided: sk-abc.', 'invalid_request_error', 'invalid_api_key'), 'auth', 'invalid_api_key'],
    [403, err('Country not supported', 'request_forbidden', 'unsupported_country_region_territory'), 'auth', 'unsupported_country_region_territory'],
    [404, err('The model `gpt-9` does not exist', 'invalid_request_error', 'model_not_found'), 'client_error', 'model_not_found'],
    [400, { object: 'error', message: 'bad temperature', type: 'BadRequestError', code: 400 }, 'client_error', 'BadRequestError'],
    [408, { error: 'timed out' }, 'timeout', undefined],
    [500, err('The server had an error while processing your request.', 'server_error', null), 'server', 'server_error'],
    [503, '<html>Service Unavailable</html>', 'server', undefined],
  ])('classifies status %i', (status, body, cls, code) => {
    const f = openaiChatUpstream.decodeError(status, body, {});
    expect(f.class).toBe(cls);
    expect(f.status).toBe(status);
    expect(f.upstreamCode).toBe(code);
    expect(f.message.length).toBeGreaterThan(0);
  });

  it('keeps the raw text or the status as the message when the body has no structure', () => {
    expect(openaiChatUpstream.decodeError(502, 'Bad gateway\n', {}).message).toBe('Bad gateway');
    expect(openaiChatUpstream.decodeError(502, '', {}).message).toBe('HTTP 502');
    expect(openaiChatUpstream.decodeError(400, [{ error: { message: 'gemini-style', code: 400 } }], {}).message).toBe('gemini-style');
  });
});

describe('openai-chat encodeError', () => {
  const pk = { providerKey: 'openai.key1.gpt-4.1' };

  it('answers a GatewayError with its status and param', () => {
    expect(openaiChatInbound.encodeError(new GatewayError(400, 'invalid_request_error', 'messages: expected array', 'messages'))).toEqual({
      status: 400,
      body: { error: { message: 'messages: expected array', type: 'invalid_request_error', param: 'messages', code: 'invalid_request_error' } },
    });
    expect(openaiChatInbound.encodeError(new GatewayError(404, 'model_not_found', 'unknown model x')).body).toEqual({
      error: { message: 'unknown model x', type: 'invalid_request_error', param: null, code: 'model_not_found' },
    });
  });

  it('answers rate limits and quotas with 429 and retry-after in whole seconds', () => {
    const rl = openaiChatInbound.encodeError(new UpstreamFailure({ class: 'rate_limit', message: 'slow down', status: 429, retryAfterMs: 1200, ...pk }));
    expect(rl).toEqual({
      status: 429,
      headers: { 'retry-after': '2' },
      body: { error: { message: 'upstream openai.key1.gpt-4.1 returned 429: slow down', type: 'rate_limit_error', param: null, code: 'rate_limit' } },
    });
    const q = openaiChatInbound.encodeError(
      new UpstreamFailure({ class: 'quota', message: 'quota', status: 429, quotaResetAt: Date.now() + 90_500, upstreamCode: 'insufficient_quota', ...pk }),
    );
    expect(q.status).toBe(429);
    expect(Number(q.headers?.['retry-after'])).toBeGreaterThanOrEqual(90);
    expect(q.body).toMatchObject({ error: { type: 'rate_limit_error', code: 'insufficient_quota' } });
    expect(openaiChatInbound.encodeError(new UpstreamFailure({ class: 'rate_limit', message: 'x' })).headers).toBeUndefined();
  });

  it('passes client errors through, 503 when nothing was available, 502 otherwise', () => {
    const status = (f: UpstreamFailure) => openaiChatInbound.encodeError(f).status;
    expect(status(new UpstreamFailure({ class: 'context_length', message: 'too long', status: 400, ...pk }))).toBe(400);
    expect(status(new UpstreamFailure({ class: 'client_error', message: 'nope', status: 404, ...pk }))).toBe(404);
    expect(status(new UpstreamFailure({ class: 'context_length', message: 'too long' }))).toBe(502);
    expect(status(new UpstreamFailure({ class: 'auth', message: 'bad key', status: 401, ...pk }))).toBe(502);
    expect(status(new UpstreamFailure({ class: 'stream_broken', message: 'cut', ...pk }))).toBe(502);
    const u = openaiChatInbound.encodeError(new UpstreamFailure({ class: 'unavailable', message: 'all targets cooling down' }));
    expect(u).toEqual({
      status: 503,
      body: { error: { message: 'all targets cooling down', type: 'api_error', param: null, code: 'unavailable' } },
    });
    const s = openaiChatInbound.encodeError(new UpstreamFailure({ class: 'server', message: 'boom', status: 500, ...pk }));
    expect(s.body).toEqual({ error: { message: 'upstream openai.key1.gpt-4.1 returned 500: boom', type: 'api_error', param: null, code: 'server' } });
    const n = openaiChatInbound.encodeError(new UpstreamFailure({ class: 'network', message: 'ECONNREFUSED', ...pk }));
    expect(n.body).toMatchObject({ error: { message: 'upstream openai.key1.gpt-4.1 failed (network): ECONNREFUSED' } });
  });
});
