import type { InboundProtocolId } from '../canonical/protocol-id.js';

/** Which protocol's error shape a request to this path expects. */
export function protocolOfPath(url: string): InboundProtocolId {
  if (url.startsWith('/v1/messages')) return 'anthropic-messages';
  if (url.startsWith('/v1/responses')) return 'openai-responses';
  return 'openai-chat';
}
