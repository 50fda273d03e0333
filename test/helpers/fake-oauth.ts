/**
 * A fake OAuth server for the TokenManager tests (node:http on 127.0.0.1:0). The token endpoint counts
 * refresh_token grants, ROTATES the refresh token on every refresh and rejects any refresh token that is
 * not the current one (reuse of a rotated token → 400 invalid_grant). The device endpoints follow RFC 8628
 * with a scripted sequence of poll outcomes and check the PKCE verifier when a challenge was sent.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type PollOutcome = 'pending' | 'slow_down' | 'expired' | 'denied' | 'success';

export interface FakeOAuthCall {
  grantType: string;
  refreshToken?: string;
  deviceCode?: string;
  clientId?: string;
  at: number;
}

export interface FakeOAuth {
  url: string;
  tokenEndpoint: string;
  deviceEndpoint: string;
  /** Makes `refreshToken` the one valid refresh token (as if issued by an earlier login). */
  seed(refreshToken: string): void;
  /** Every call of the token endpoint, oldest first. */
  calls(): FakeOAuthCall[];
  refreshCalls(): FakeOAuthCall[];
  /** Refresh calls that presented a refresh token that is not (or no longer) valid. */
  rejectedReuses(): number;
  /** The next `n` refresh calls answer this instead of a grant. */
  failRefreshes(n: number, status: number, body: Record<string, unknown>): void;
  /** How long each refresh takes to answer (widens the race windows). */
  refreshDelayMs: number;
  /** `expires_in` of issued tokens, in seconds. */
  expiresInSec: number;
  /** What the next device-code polls answer (then `success`). */
  scriptPolls(outcomes: PollOutcome[]): void;
  deviceRequests(): Array<Record<string, string>>;
  /** Access tokens issued, in order. */
  issued(): string[];
  close(): Promise<void>;
}

function form(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}

export async function startFakeOAuth(): Promise<FakeOAuth> {
  const calls: FakeOAuthCall[] = [];
  const deviceRequests: Array<Record<string, string>> = [];
  const issued: string[] = [];
  let validRefresh: string | undefined;
  let serial = 0;
  let reuses = 0;
  let failures: Array<{ status: number; body: Record<string, unknown> }> = [];
  let polls: PollOutcome[] = [];
  let challenge: string | undefined;

  const grant = () => {
    serial++;
    validRefresh = `rt-${serial}`;
    const accessToken = `at-${serial}`;
    issued.push(accessToken);
    return { access_token: accessToken, refresh_token: validRefresh, expires_in: fake.expiresInSec, token_type: 'Bearer', scope: 'model.completion' };
  };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const send = (status: number, doc: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(doc));
      };
      const f = form(body);
      if (req.url === '/device') {
        deviceRequests.push(f);
        challenge = f.code_challenge;
        send(200, { device_code: 'dc-1', user_code: 'WXYZ-1234', verification_uri: `${fake.url}/activate`, expires_in: 600, interval: 0 });
        return;
      }
      if (req.url !== '/token') return send(404, { error: 'not_found' });
      const call: FakeOAuthCall = { grantType: f.grant_type ?? '', at: Date.now() };
      if (f.refresh_token) call.refreshToken = f.refresh_token;
      if (f.device_code) call.deviceCode = f.device_code;
      if (f.client_id) call.clientId = f.client_id;
      calls.push(call);
      if (f.grant_type === 'refresh_token') {
        const failure = failures.shift();
        setTimeout(() => {
          if (failure) return send(failure.status, failure.body);
          if (!f.refresh_token || f.refresh_token !== validRefresh) {
            reuses++;
            return send(400, { error: 'invalid_grant', error_description: 'refresh token is not valid (rotated or unknown)' });
          }
          send(200, grant());
        }, fake.refreshDelayMs);
        return;
      }
      if (f.grant_type === 'urn:ietf:params:oauth:grant-type:device_code') {
        const outcome = polls.shift() ?? 'success';
        if (outcome === 'pending') return send(400, { error: 'authorization_pending' });
        if (outcome === 'slow_down') return send(400, { error: 'slow_down' });
        if (outcome === 'expired') return send(400, { error: 'expired_token' });
        if (outcome === 'denied') return send(400, { error: 'access_denied' });
        if (challenge !== undefined && createHash('sha256').update(f.code_verifier ?? '').digest('base64url') !== challenge) {
          return send(400, { error: 'invalid_grant', error_description: 'PKCE verification failed' });
        }
        return send(200, grant());
      }
      send(400, { error: 'unsupported_grant_type' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const fake: FakeOAuth = {
    url,
    tokenEndpoint: `${url}/token`,
    deviceEndpoint: `${url}/device`,
    refreshDelayMs: 0,
    expiresInSec: 3600,
    seed: (rt) => void (validRefresh = rt),
    calls: () => [...calls],
    refreshCalls: () => calls.filter((c) => c.grantType === 'refresh_token'),
    rejectedReuses: () => reuses,
    failRefreshes: (n, status, body) => void (failures = Array.from({ length: n }, () => ({ status, body }))),
    scriptPolls: (outcomes) => void (polls = [...outcomes]),
    deviceRequests: () => [...deviceRequests],
    issued: () => [...issued],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
  return fake;
}
