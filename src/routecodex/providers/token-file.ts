/**
 * OAuth token files (`$ROUTECODEX_HOME/auth/<provider>-oauth-<seq>[-<alias>].json`). The common field
 * spellings of the CLIs these files come from are accepted; expiry is normalized to epoch ms.
 */
import fs from 'node:fs/promises';
import { z } from 'zod';

const tokenFileSchema = z
  .object({
    access_token: z.string().min(1),
    refresh_token: z.string().min(1).optional(),
    token_type: z.string().optional(),
    expires_at: z.union([z.number(), z.string()]).optional(),
    expiry_date: z.union([z.number(), z.string()]).optional(),
    expired: z.union([z.number(), z.string()]).optional(),
    norefresh: z.boolean().optional(),
  })
  .passthrough();

export interface OAuthToken {
  accessToken: string;
  refreshToken?: string;
  /** Epoch ms; undefined when the file does not say. */
  expiresAt?: number;
  noRefresh: boolean;
  /** The whole document, so a rewrite keeps fields this code does not know. */
  raw: Record<string, unknown>;
}

export class TokenFileError extends Error {
  constructor(readonly file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'TokenFileError';
  }
}

function toEpochMs(v: number | string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'number') return v < 1e12 ? v * 1000 : v; // seconds or ms
  if (/^\d+$/.test(v)) return toEpochMs(Number(v));
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

export function parseTokenDocument(doc: unknown, file: string): OAuthToken {
  const r = tokenFileSchema.safeParse(doc);
  if (!r.success) throw new TokenFileError(file, r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  const d = r.data;
  const token: OAuthToken = {
    accessToken: d.access_token,
    noRefresh: d.norefresh === true,
    raw: d as Record<string, unknown>,
  };
  if (d.refresh_token) token.refreshToken = d.refresh_token;
  const expiresAt = toEpochMs(d.expires_at ?? d.expiry_date ?? d.expired);
  if (expiresAt !== undefined) token.expiresAt = expiresAt;
  return token;
}

export async function readTokenFile(file: string): Promise<OAuthToken> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    throw new TokenFileError(file, `cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new TokenFileError(file, `invalid JSON: ${(e as Error).message}`);
  }
  return parseTokenDocument(doc, file);
}
