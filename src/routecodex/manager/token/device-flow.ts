/**
 * The OAuth device authorization grant (RFC 8628), with optional PKCE (S256): ask the device endpoint for
 * a user code, show where to enter it, poll the token endpoint every `interval` seconds (5 more after each
 * `slow_down`) until the user approves (`authorization_pending` means not yet), the code expires
 * (`expired_token`) or the user declines (`access_denied`). Only the CLI runs this; a server never does.
 */
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { OAuthError, errorCodeOf, failureOf, grantOf, postForm } from './oauth-client.js';
import type { OAuthSettings } from './oauth-settings.js';
import type { TokenGrant } from './token-files.js';

export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export interface DevicePrompt {
  verificationUri: string;
  verificationUriComplete?: string;
  userCode: string;
  expiresInSec: number;
}

export interface DeviceLoginOptions {
  /** Shows the user where to go and which code to enter. */
  prompt(p: DevicePrompt): void;
  now(): number;
  requestTimeoutMs?: number;
  /** Waits between polls (injectable so tests need not sleep). */
  sleep?: (ms: number) => Promise<void>;
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export async function deviceLogin(settings: OAuthSettings, o: DeviceLoginOptions): Promise<TokenGrant> {
  if (!settings.deviceEndpoint) throw new OAuthError('rejected', `provider ${settings.providerId} has no auth.deviceEndpoint: cannot start a device-code login`);
  const timeoutMs = o.requestTimeoutMs ?? 15_000;
  const sleep = o.sleep ?? ((ms: number) => delay(ms));
  const pkce = settings.pkce ? pkcePair() : undefined;
  const started = await postForm(
    settings.deviceEndpoint,
    { client_id: settings.clientId, scope: settings.scope, ...(pkce ? { code_challenge: pkce.challenge, code_challenge_method: 'S256' } : {}) },
    timeoutMs,
  );
  const body = started.body;
  const deviceCode = text(body?.device_code);
  const userCode = text(body?.user_code);
  const verificationUri = text(body?.verification_uri) ?? text(body?.verification_url);
  if (started.status >= 300 || !body || !deviceCode || !userCode || !verificationUri) throw failureOf(started, `device authorization for ${settings.providerId}`);
  const expiresInSec = Number(body.expires_in) > 0 ? Number(body.expires_in) : 900;
  const complete = text(body.verification_uri_complete);
  o.prompt({ verificationUri, userCode, expiresInSec, ...(complete ? { verificationUriComplete: complete } : {}) });

  let intervalMs = (Number.isFinite(Number(body.interval)) && body.interval !== undefined ? Math.max(0, Number(body.interval)) : 5) * 1000;
  const deadline = performance.now() + expiresInSec * 1000;
  while (performance.now() < deadline) {
    await sleep(intervalMs);
    let res;
    try {
      res = await postForm(
        settings.tokenEndpoint,
        { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, client_id: settings.clientId, client_secret: settings.clientSecret, code_verifier: pkce?.verifier },
        timeoutMs,
      );
    } catch (e) {
      if (e instanceof OAuthError && e.kind === 'transient') continue; // the network blinked: keep polling
      throw e;
    }
    if (res.status >= 200 && res.status < 300) return grantOf(res, o.now(), `device-code login for ${settings.providerId}`);
    const code = errorCodeOf(res);
    if (code === 'authorization_pending') continue;
    if (code === 'slow_down') {
      intervalMs += 5_000;
      continue;
    }
    if (code === 'expired_token') throw new OAuthError('rejected', 'the user code expired before the login was approved; run the command again', res.status, code);
    if (code === 'access_denied') throw new OAuthError('rejected', 'the login was denied', res.status, code);
    const failure = failureOf(res, `device-code login for ${settings.providerId}`);
    if (failure.kind !== 'transient') throw failure;
  }
  throw new OAuthError('rejected', `the user code expired (${expiresInSec} s) before the login was approved; run the command again`);
}
