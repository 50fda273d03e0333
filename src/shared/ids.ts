import { randomBytes, randomUUID } from 'node:crypto';

/** A short random id with an optional prefix: `prefix_<base36 time><random hex>`. */
export function newId(prefix = ''): string {
  const id = `${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
  return prefix ? `${prefix}_${id}` : id;
}

export function uuid(): string {
  return randomUUID();
}

/** Makes a string safe as one path segment on every OS (letters, digits, `.`, `_`, `-`). */
export function fsSafeSegment(input: string, maxLength = 120): string {
  const cleaned = input.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_').slice(0, maxLength);
  return cleaned.length > 0 ? cleaned : '_';
}
