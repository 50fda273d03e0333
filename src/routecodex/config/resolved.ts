/** The configuration after names are resolved: what the router, providers and server work with. */
import type { ProtocolId, ProviderType } from '../canonical/protocol-id.js';
import type { ModelInfo, RouteCodexConfig } from './schema.js';

export type CredentialSpec =
  | { kind: 'apikey'; secret: string }
  | { kind: 'oauth'; tokenFile: string }
  | { kind: 'none' };

/** One upstream client: a provider with one key alias (runtimeKey `provider.alias`). */
export interface RuntimeSpec {
  runtimeKey: string;
  providerId: string;
  alias: string;
  type: ProviderType;
  protocol: ProtocolId;
  baseURL: string;
  credential: CredentialSpec;
  headers: Record<string, string>;
  connections: number;
}

/** One model on one key: the unit of health (providerKey `provider.alias.model`). */
export interface ProviderKeySpec {
  providerKey: string;
  providerId: string;
  alias: string;
  /** 1-based position of the alias among the provider's aliases (for `<**#provider.N**>`). */
  aliasIndex: number;
  model: string;
  runtimeKey: string;
  info: ModelInfo;
}

/** A target as written in a route, with the providerKeys it stands for. */
export interface TargetRef {
  name: string;
  providerKeys: string[];
}

export interface PoolSpec {
  id: string;
  priority: number;
  backup: boolean;
  targets: TargetRef[];
  /** Every providerKey of the pool in target order. */
  providerKeys: string[];
}

export interface ResolvedConfig {
  raw: RouteCodexConfig;
  serverId: string;
  /** False when no provider is configured: the server starts and explains what to set. */
  configured: boolean;
  runtimes: Map<string, RuntimeSpec>;
  providerKeys: Map<string, ProviderKeySpec>;
  /** Provider id → its aliases in order. */
  aliases: Map<string, string[]>;
  routes: Map<string, PoolSpec[]>;
  /** Resolves a target name (`provider.model` / `provider.alias.model`) or a bare model name. */
  resolveTarget(name: string): TargetRef | undefined;
  /** Where the config came from: a file path, or `environment`. */
  source: string;
}
