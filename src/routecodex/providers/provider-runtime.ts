/** One upstream client (runtimeKey `provider.alias`): where to send, how to authenticate, which codec speaks its protocol. */
import type { Dispatcher, Pool } from 'undici';
import type { RuntimeSpec } from '../config/resolved.js';
import type { UpstreamCodec } from '../protocols/types.js';
import type { CredentialSource } from './credentials.js';

export interface UpstreamSend {
  /** Path from the codec (appended to the baseURL's own path). */
  path: string;
  body: string;
  stream: boolean;
  signal: AbortSignal;
  secret: string | undefined;
  /** Client headers forwarded to this protocol (e.g. `anthropic-beta`). */
  forwardHeaders?: Record<string, string>;
}

const USER_AGENT = 'routecodex/0.1';

export class ProviderRuntime {
  private readonly basePath: string;

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

  send(req: UpstreamSend): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: req.stream ? 'text/event-stream' : 'application/json',
      'user-agent': USER_AGENT,
      ...req.forwardHeaders,
      ...this.spec.headers,
      ...(req.secret !== undefined ? this.codec.authHeaders(req.secret) : {}),
    };
    return this.pool.request({
      method: 'POST',
      path: this.basePath + req.path,
      headers,
      body: req.body,
      signal: req.signal,
    });
  }
}
