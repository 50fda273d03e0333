/** A bounded map that forgets the least recently used entry first (Map keeps insertion order). */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new Error(`LruCache needs maxEntries >= 1, got ${maxEntries}`);
  }

  get size(): number {
    return this.map.size;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** The value, marked as most recently used. */
  get(key: K): V | undefined {
    if (!this.map.has(key)) return undefined;
    const value = this.map.get(key) as V;
    this.map.delete(key);
    this.map.set(key, value);
    return value;
  }

  /** The value, without marking it as used. */
  peek(key: K): V | undefined {
    return this.map.get(key);
  }

  /** Every key, least recently used first (a snapshot). */
  keys(): K[] {
    return [...this.map.keys()];
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.map.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  /** Removes every entry `drop` returns true for; returns how many. */
  prune(drop: (value: V, key: K) => boolean): number {
    let n = 0;
    for (const [k, v] of this.map) {
      if (drop(v, k)) {
        this.map.delete(k);
        n++;
      }
    }
    return n;
  }
}
