/**
 * Leases on a shared store that may be unreachable for a while (Redis), backed by file leases in the
 * home (`$ROUTECODEX_HOME/state/`, where the token files are shared too): while the store is down, an
 * acquire goes to the file lease instead, so a token refresh stays single-flight among the instances on
 * that home and requests are not failed for want of a lock. A lease is renewed and released where it was
 * taken.
 */
import { StoreUnavailableError, type Lease, type LeaseHolder, type LeaseLocks } from './types.js';

export class FallbackLeaseLocks implements LeaseLocks {
  private readonly onFallback = new WeakSet<Lease>();

  constructor(
    private readonly primary: LeaseLocks,
    private readonly fallback: LeaseLocks,
  ) {}

  async acquire(name: string, ownerId: string, ttlMs: number): Promise<Lease | undefined> {
    try {
      return await this.primary.acquire(name, ownerId, ttlMs);
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) throw e;
      const lease = await this.fallback.acquire(name, ownerId, ttlMs);
      if (lease) this.onFallback.add(lease);
      return lease;
    }
  }

  renew(lease: Lease, ttlMs: number): Promise<boolean> {
    return (this.onFallback.has(lease) ? this.fallback : this.primary).renew(lease, ttlMs);
  }

  release(lease: Lease): Promise<void> {
    return (this.onFallback.has(lease) ? this.fallback : this.primary).release(lease);
  }

  async holder(name: string): Promise<LeaseHolder | undefined> {
    try {
      return await this.primary.holder(name);
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) throw e;
      return this.fallback.holder(name);
    }
  }
}
