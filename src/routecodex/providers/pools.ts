/** Keep-alive connection pools to upstream origins (undici), one per origin, shared by its runtimes. */
import { Pool } from 'undici';

export class UpstreamPools {
  private readonly pools = new Map<string, Pool>();

  get(origin: string, connections: number): Pool {
    let pool = this.pools.get(origin);
    if (!pool) {
      pool = new Pool(origin, {
        connections,
        pipelining: 1,
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        // Timeouts are enforced per attempt by the executor with exact timers (undici's own are coarse).
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: { timeout: 10_000 },
      });
      this.pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const all = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(all.map((p) => p.destroy().catch(() => undefined)));
  }
}
