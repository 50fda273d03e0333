/**
 * Content parts of the canonical model: the hub every wire protocol is decoded into and encoded from.
 * One concept per type; protocols that lack a concept drop it explicitly in their encoder.
 */
import type { ProtocolId } from './protocol-id.js';

export interface TextPart {
  type: 'text';
  text: string;
}

export type ImageSource =
  | { kind: 'url'; url: string }
  | { kind: 'base64'; mediaType: string; data: string };

export interface ImagePart {
  type: 'image';
  source: ImageSource;
  detail?: 'auto' | 'low' | 'high';
}

/** A tool call made by the assistant. `arguments` is the JSON text exactly as the model produced it. */
export interface ToolCallPart {
  type: 'tool_call';
  id: string;
  name: string;
  arguments: string;
}

/** The result of a tool call, sent back by the user side. `name` is filled in when known (Gemini needs it). */
export interface ToolResultPart {
  type: 'tool_result';
  callId: string;
  name?: string;
  content: Array<TextPart | ImagePart>;
  isError?: boolean;
}

/**
 * An opaque continuation token a provider attaches to reasoning (Anthropic thinking signature,
 * Responses encrypted_content, Gemini thoughtSignature). Only the protocol that issued it can use it.
 */
export interface ReasoningSignature {
  protocol: ProtocolId;
  value: string;
}

/** Model reasoning ("thinking"). `redacted` carries provider-encrypted reasoning with no readable text. */
export interface ReasoningPart {
  type: 'reasoning';
  text: string;
  signature?: ReasoningSignature;
  redacted?: boolean;
}

export type UserContentPart = TextPart | ImagePart | ToolResultPart;
export type AssistantContentPart = TextPart | ToolCallPart | ReasoningPart;
