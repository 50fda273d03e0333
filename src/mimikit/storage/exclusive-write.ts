/** Files that never replace an existing one (archives, traces, persona versions, the instance lock). */
import { NoFreeNameError, writeFileToFreeName } from '../../shared/atomic-write.js';

export { NoFreeNameError };

/**
 * Writes `data` under `dir` as the first name of `names` that does not exist yet; returns its absolute
 * path. Throws `NoFreeNameError` when every candidate is taken.
 */
export function writeFileExclusive(dir: string, names: Iterable<string>, data: string): Promise<string> {
  return writeFileToFreeName(dir, names, data);
}

/** `base + ext`, then `base + suffix(1) + ext`, … up to `max` suffixes. */
export function* candidateNames(base: string, ext: string, suffix: (n: number) => string, max: number): Generator<string> {
  yield `${base}${ext}`;
  for (let n = 1; n <= max; n++) yield `${base}${suffix(n)}${ext}`;
}
