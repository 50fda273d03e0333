/** The wire protocols RouteCodex speaks. Inbound: the first three. Upstream: all four. */
export type ProtocolId = 'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini';

export const INBOUND_PROTOCOLS = ['openai-chat', 'openai-responses', 'anthropic-messages'] as const;
export type InboundProtocolId = (typeof INBOUND_PROTOCOLS)[number];

/** Provider `type` in the config, and the protocol each one speaks upstream. */
export const PROVIDER_TYPES = ['openai', 'responses', 'anthropic', 'gemini'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const PROTOCOL_OF_PROVIDER_TYPE: Record<ProviderType, ProtocolId> = {
  openai: 'openai-chat',
  responses: 'openai-responses',
  anthropic: 'anthropic-messages',
  gemini: 'gemini',
};
