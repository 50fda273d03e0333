/** The codec of every protocol, by id. */
import type { InboundProtocolId, ProtocolId } from '../canonical/protocol-id.js';
import { anthropicInbound, anthropicUpstream } from './anthropic-messages/index.js';
import { geminiUpstream } from './gemini/index.js';
import { openaiChatInbound, openaiChatUpstream } from './openai-chat/index.js';
import { responsesInbound, responsesUpstream } from './openai-responses/index.js';
import type { InboundCodec, UpstreamCodec } from './types.js';

const INBOUND: Record<InboundProtocolId, InboundCodec> = {
  'openai-chat': openaiChatInbound,
  'openai-responses': responsesInbound,
  'anthropic-messages': anthropicInbound,
};

const UPSTREAM: Record<ProtocolId, UpstreamCodec> = {
  'openai-chat': openaiChatUpstream,
  'openai-responses': responsesUpstream,
  'anthropic-messages': anthropicUpstream,
  gemini: geminiUpstream,
};

export function inboundCodec(protocol: InboundProtocolId): InboundCodec {
  return INBOUND[protocol];
}

export function upstreamCodec(protocol: ProtocolId): UpstreamCodec {
  return UPSTREAM[protocol];
}
