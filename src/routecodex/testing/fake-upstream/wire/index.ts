import type { FakeProtocol } from '../script.js';
import { anthropicWire } from './anthropic.js';
import { geminiWire } from './gemini.js';
import { openaiChatWire } from './openai-chat.js';
import { responsesWire } from './responses.js';
import type { WireFormat } from './types.js';

export const WIRES: Readonly<Record<FakeProtocol, WireFormat>> = {
  openai: openaiChatWire,
  responses: responsesWire,
  anthropic: anthropicWire,
  gemini: geminiWire,
};

export type { WireFormat, WirePayload } from './types.js';
