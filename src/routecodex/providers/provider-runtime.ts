/** One upstream client (runtimeKey `provider.alias`): where to send, how to authenticate, which codec speaks its protocol. */
import type { EventEmitter } from 'node:events';
import type { Dispatcher, Pool } from 'undici';
import type { RuntimeSpec } from '../config/resolved.js';
import type { UpstreamCodec } from '../protocols/types.js';
import type { CredentialSource } from './credentials.js';

export interface UpstreamSend {
  /** Path from the codec (appended to the baseURL's own path). */
  path: string;
  body: string;
  stream: boolean;
  /** AbortSignal or an EventEmitter emitting 'abort' (undici accepts both). */
  signal: AbortSignal | EventEmitter;
  secret: string | undefined;
  /** Client headers forwarded to this protocol (e.g. `anthropic-beta`). */
  forwardHeaders?: Record<string, string>;
}

const USER_AGENT = 'routecodex/0.1';

export class ProviderRuntime {
  private readonly basePath: string;
  /** Headers for the last secret seen, per mode: built once, not per request. */
  private cached: { secret: string | undefined; stream: Record<string, string>; json: Record<string, string> } | undefined;

  constructor(
    readonly spec: RuntimeSpec,
    readonly codec: UpstreamCodec,
    readonly credentials: CredentialSource,
    private readonly pool: Pool,
  ) {
    this.basePath = new URL(spec.baseURL).pathname.replace(/\/+$/, '');
  }

  get runtimeKey(): string {
    return this.spec.runtimeKey;
  }

  private headersFor(secret: string | undefined, stream: boolean): Record<string, string> {
    if (!this.cached || this.cached.secret !== secret) {
      const common = { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...this.spec.headers, ...(secret !== undefined ? this.codec.authHeaders(secret) : {}) };
      this.cached = { secret, stream: { ...common, accept: 'text/event-stream' }, json: { ...common, accept: 'application/json' } };
    }
    return stream ? this.cached.stream : this.cached.json;
  }

  send(req: UpstreamSend): Promise<Dispatcher.ResponseData> {
    const base = this.headersFor(req.secret, req.stream);
    return this.pool.request({
      method: 'POST',
      path: this.basePath + req.path,
      headers: req.forwardHeaders ? { ...req.forwardHeaders, ...base } : base,
      body: req.body,
      signal: req.signal,
    });
  }
}
