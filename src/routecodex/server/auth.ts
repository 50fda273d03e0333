/** Gateway API keys (`httpserver.apiKeys`): `Authorization: Bearer <key>` or `x-api-key: <key>`. */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const digest = (s: string) => createHash('sha256').update(s).digest();

export class ApiKeyCheck {
  private readonly digests: Buffer[];

  constructor(keys: readonly string[]) {
    this.digests = keys.map(digest);
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** True when the request carries one of the keys (constant-time comparison). */
  allows(headers: IncomingHttpHeaders): boolean {
    if (!this.enabled) return true;
    const candidates: string[] = [];
    const auth = headers.authorization;
    if (typeof auth === 'string' && /^bearer\s+/i.test(auth)) candidates.push(auth.replace(/^bearer\s+/i, '').trim());
    const xKey = headers['x-api-key'];
    if (typeof xKey === 'string') candidates.push(xKey.trim());
    return candidates.some((c) => {
      const d = digest(c);
      return this.digests.some((k) => timingSafeEqual(k, d));
    });
  }
}

/** Paths that need the key when keys are configured. */
export function isProtectedPath(url: string): boolean {
  return url.startsWith('/v1/') || url.startsWith('/manager/') || url.startsWith('/debug/') || url === '/metrics';
}
