/**
 * Talking to an OAuth token endpoint: form posts (`application/x-www-form-urlencoded`) with a timeout,
 * token responses read into a `TokenGrant`, and failures classified: `invalid_grant` (the token needs a
 * new login), `rejected` (any other refusal: client id, request), `transient` (network, timeout, 429, 5xx —
 * try again later). No request field ever appears in an error message.
 */
import { request } from 'undici';
import type { TokenGrant } from './token-files.js';
import type { OAuthSettings } from './oauth-settings.js';

export type OAuthFailureKind = 'invalid_grant' | 'rejected' | 'transient';

export class OAuthError extends Error {
  constructor(
    readonly kind: OAuthFailureKind,
    message: string,
    readonly status?: number,
    /** The OAuth `error` code, e.g. `invalid_grant`, `authorization_pending`. */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'OAuthError';
  }
}

export interface FormResponse {
  status: number;
  /** The JSON object the server answered, if it answered one. */
  body: Record<string, unknown> | undefined;
  text: string;
}

const USER_AGENT = 'routecodex/0.1';

export async function postForm(url: string, fields: Record<string, string | undefined>, timeoutMs: number): Promise<FormResponse> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
  let status: number;
  let text: string;
  try {
    const res = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': USER_AGENT },
      body: form.toString(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.statusCode;
    text = await res.body.text();
  } catch (e) {
    const reason = (e as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e as Error).message;
    throw new OAuthError('transient', `${url}: ${reason}`);
  }
  let body: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
  } catch {
    body = undefined; // not JSON: classified by status below
  }
  return { status, body, text };
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** The OAuth `error` code of a response, if any. */
export function errorCodeOf(res: FormResponse): string | undefined {
  return str(res.body?.error);
}

export function failureOf(res: FormResponse, what: string): OAuthError {
  const code = errorCodeOf(res);
  const detail = str(res.body?.error_description) ?? (res.body ? undefined : res.text.slice(0, 200));
  const message = `${what}: HTTP ${res.status}${code ? ` ${code}` : ''}${detail ? ` (${detail})` : ''}`;
  if (code === 'invalid_grant') return new OAuthError('invalid_grant', message, res.status, code);
  if (res.status === 429 || res.status >= 500 || res.status < 400) return new OAuthError('transient', message, res.status, code);
  return new OAuthError('rejected', message, res.status, code);
}

function expiryOf(body: Record<string, unknown>, now: number): number | undefined {
  const inSeconds = Number(body.expires_in);
  if (body.expires_in !== undefined && Number.isFinite(inSeconds)) return now + inSeconds * 1000;
  const at = body.expires_at;
  if (typeof at === 'number') return at < 1e12 ? at * 1000 : at;
  if (typeof at === 'string') {
    const t = /^\d+$/.test(at) ? Number(at) : Date.parse(at);
    if (!Number.isNaN(t)) return t < 1e12 ? t * 1000 : t;
  }
  return undefined;
}

const GRANT_FIELDS = new Set(['access_token', 'refresh_token', 'expires_in', 'expires_at', 'token_type']);

/** A successful token response, or the classified failure. */
export function grantOf(res: FormResponse, now: number, what: string): TokenGrant {
  const accessToken = str(res.body?.access_token);
  if (res.status < 200 || res.status >= 300 || !res.body || !accessToken) throw failureOf(res, what);
  const grant: TokenGrant = { accessToken, extra: {} };
  const refreshToken = str(res.body.refresh_token);
  if (refreshToken) grant.refreshToken = refreshToken;
  const expiresAt = expiryOf(res.body, now);
  if (expiresAt !== undefined) grant.expiresAt = expiresAt;
  const tokenType = str(res.body.token_type);
  if (tokenType) grant.tokenType = tokenType;
  for (const [k, v] of Object.entries(res.body)) if (!GRANT_FIELDS.has(k)) grant.extra[k] = v;
  return grant;
}

/** The `refresh_token` grant. */
export async function refreshGrant(settings: OAuthSettings, refreshToken: string, now: () => number, timeoutMs: number): Promise<TokenGrant> {
  const res = await postForm(
    settings.tokenEndpoint,
    { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: settings.clientId, client_secret: settings.clientSecret },
    timeoutMs,
  );
  return grantOf(res, now(), `refresh of ${settings.providerId} token`);
}
