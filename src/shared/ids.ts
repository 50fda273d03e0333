import { randomBytes, randomUUID } from 'node:crypto';

/** Random per process; with the time and a counter, ids are unique across processes and restarts. */
const PROCESS_TAG = randomBytes(4).toString('hex');
let counter = 0;

/**
 * A short unique id with an optional prefix: `prefix_<base36 time><process tag><counter>`. No
 * cryptographic randomness per call: ids are minted on the request hot path.
 */
let lastMs = -1;
let timePart = '';

export function newId(prefix = ''): string {
  counter = (counter + 1) % 1_679_616; // 36^4
  const now = Date.now();
  // The base-36 time changes once a millisecond; ids are minted many times a millisecond under load.
  if (now !== lastMs) {
    lastMs = now;
    timePart = now.toString(36) + PROCESS_TAG;
  }
  const n = counter.toString(36);
  const id = timePart + (n.length >= 4 ? n : '000'.slice(n.length - 1) + n);
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
