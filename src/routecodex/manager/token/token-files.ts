/**
 * Token files on disk: listing `$ROUTECODEX_HOME/auth/`, reading with a cache keyed by the file's identity
 * (inode, size, mtime — an atomic rewrite always changes the inode), and writing a new grant atomically
 * while keeping every field this code does not know.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomic } from '../../../shared/atomic-write.js';
import { readTokenFile, TokenFileError, type OAuthToken } from '../../providers/token-file.js';
import { parseTokenFileName } from './oauth-settings.js';
import { listDir } from '../../../shared/list-dir.js';

export function authDirOf(home: string): string {
  return path.join(home, 'auth');
}

/** Every token file of the auth directory (full paths, sorted); none when the directory does not exist. */
export async function listTokenFiles(authDir: string): Promise<string[]> {
  return (await listDir(authDir)).filter((n) => parseTokenFileName(n) !== undefined).sort().map((n) => path.join(authDir, n));
}

export interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
}

export async function fileStamp(file: string): Promise<FileStamp | undefined> {
  try {
    const st = await fs.stat(file);
    return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

export function sameStamp(a: FileStamp | undefined, b: FileStamp | undefined): boolean {
  return a !== undefined && b !== undefined && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs;
}

/** Reads token files, parsing each version once. */
export class TokenReader {
  private readonly cache = new Map<string, { stamp: FileStamp; token: OAuthToken }>();

  async read(file: string): Promise<OAuthToken> {
    const stamp = await fileStamp(file);
    if (!stamp) throw new TokenFileError(file, 'cannot read (ENOENT)');
    const hit = this.cache.get(file);
    if (hit && sameStamp(hit.stamp, stamp)) return hit.token;
    const token = await readTokenFile(file);
    this.cache.set(file, { stamp, token });
    return token;
  }
}

/** What a token endpoint granted. */
export interface TokenGrant {
  accessToken: string;
  /** Present when the server rotated (or first issued) the refresh token. */
  refreshToken?: string;
  expiresAt?: number;
  tokenType?: string;
  /** Other fields of the response worth keeping (id_token, scope, resource_url, …). */
  extra: Record<string, unknown>;
}

const EXPIRY_FIELDS = ['expires_at', 'expiry_date', 'expired'] as const;

/** The token document after a grant: unknown fields kept, expiry fields rewritten in their own format. */
export function mergeGrant(raw: Record<string, unknown>, grant: TokenGrant, now: number): Record<string, unknown> {
  const doc: Record<string, unknown> = { ...raw, ...grant.extra, access_token: grant.accessToken };
  if (grant.refreshToken !== undefined) doc.refresh_token = grant.refreshToken;
  if (grant.tokenType !== undefined) doc.token_type = grant.tokenType;
  for (const field of EXPIRY_FIELDS) delete doc[field];
  if (grant.expiresAt !== undefined) {
    const at = grant.expiresAt;
    doc.expires_at = at;
    for (const field of EXPIRY_FIELDS) {
      if (field !== 'expires_at' && raw[field] !== undefined) doc[field] = typeof raw[field] === 'string' ? new Date(at).toISOString() : at;
    }
  }
  doc.last_refresh = new Date(now).toISOString();
  return doc;
}

/** Writes a token document atomically, readable by the owner only. */
export async function writeTokenDocument(file: string, doc: Record<string, unknown>): Promise<void> {
  await writeJsonAtomic(file, doc, { mode: 0o600 });
}

/** `<provider>-oauth-<seq>[-<name>].json` with the next free sequence number of that provider. */
export async function nextTokenFile(authDir: string, providerId: string, name?: string): Promise<string> {
  const seqs = (await listTokenFiles(authDir)).map((f) => parseTokenFileName(f)).filter((t) => t?.providerId === providerId).map((t) => t?.seq ?? 0);
  const seq = Math.max(0, ...seqs) + 1;
  return path.join(authDir, `${providerId}-oauth-${seq}${name ? `-${name}` : ''}.json`);
}
