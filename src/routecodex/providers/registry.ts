/** Builds the provider runtimes of a resolved config and owns their connection pools. */
import type { ResolvedConfig } from '../config/resolved.js';
import { upstreamCodec } from '../protocols/registry.js';
import { credentialSource, fileTokenProvider, type TokenProvider } from './credentials.js';
import { UpstreamPools } from './pools.js';
import { ProviderRuntime } from './provider-runtime.js';

export class ProviderRegistry {
  private readonly runtimes = new Map<string, ProviderRuntime>();
  private readonly pools = new UpstreamPools();

  constructor(config: ResolvedConfig, tokens: TokenProvider = fileTokenProvider) {
    for (const spec of config.runtimes.values()) {
      const pool = this.pools.get(new URL(spec.baseURL).origin, spec.connections);
      this.runtimes.set(spec.runtimeKey, new ProviderRuntime(spec, upstreamCodec(spec.protocol), credentialSource(spec.credential, tokens), pool));
    }
  }

  get(runtimeKey: string): ProviderRuntime {
    const rt = this.runtimes.get(runtimeKey);
    if (!rt) throw new Error(`no runtime ${runtimeKey}`);
    return rt;
  }

  async close(): Promise<void> {
    await this.pools.close();
  }
}
