/** Canonical messages → Gemini `contents` (roles user/model, consecutive same-role turns merged). */
import type { AssistantContentPart, CanonicalMessage, ImagePart, ToolResultPart } from '../../canonical/index.js';
import { mediaTypeFromUrl, toolArgumentsToObject } from '../common.js';

export type GeminiRequestPart = Record<string, unknown>;

export interface GeminiContent {
  role: 'user' | 'model';
  parts: GeminiRequestPart[];
}

export function encodeImage(part: ImagePart): GeminiRequestPart {
  const s = part.source;
  if (s.kind === 'base64') return { inlineData: { mimeType: s.mediaType, data: s.data } };
  return { fileData: { mimeType: mediaTypeFromUrl(s.url), fileUri: s.url } };
}

/** A Gemini-issued signature, or undefined for unsigned reasoning and other protocols' signatures. */
function geminiSignature(part: AssistantContentPart): string | undefined {
  return part.type === 'reasoning' && part.signature?.protocol === 'gemini' ? part.signature.value : undefined;
}

/**
 * Assistant parts → model parts. Only Gemini-signed reasoning goes back: with text as a thought part;
 * without text (a signature the decoder lifted off a text/functionCall part) put back on the next text
 * or tool call, or sent as an empty signed part when nothing follows it.
 */
function encodeAssistant(content: AssistantContentPart[], callNames: Map<string, string>): GeminiRequestPart[] {
  const out: GeminiRequestPart[] = [];
  let pending: string | undefined; // signature waiting for the next part
  const flushPending = (): void => {
    if (pending !== undefined) out.push({ text: '', thoughtSignature: pending });
    pending = undefined;
  };
  for (const part of content) {
    if (part.type === 'reasoning') {
      const sig = geminiSignature(part);
      if (sig === undefined) continue;
      flushPending();
      if (part.text !== '') out.push({ text: part.text, thought: true, thoughtSignature: sig });
      else pending = sig;
      continue;
    }
    let encoded: GeminiRequestPart;
    if (part.type === 'text') {
      if (part.text === '') continue;
      encoded = { text: part.text };
    } else {
      callNames.set(part.id, part.name);
      encoded = { functionCall: { name: part.name, args: toolArgumentsToObject(part.arguments), id: part.id } };
    }
    if (pending !== undefined) encoded.thoughtSignature = pending;
    pending = undefined;
    out.push(encoded);
  }
  flushPending();
  return out;
}

function toolResultText(part: ToolResultPart): string {
  return part.content
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

/**
 * User parts → user parts. A tool result becomes a functionResponse (Gemini requires the function
 * name: the result's own, else the matching call's, else "tool"); images inside tool results follow at
 * the end of the turn as separate parts, since a functionResponse carries only JSON.
 */
function encodeUser(message: Extract<CanonicalMessage, { role: 'user' }>, callNames: Map<string, string>): GeminiRequestPart[] {
  const out: GeminiRequestPart[] = [];
  const resultImages: GeminiRequestPart[] = [];
  for (const part of message.content) {
    if (part.type === 'text') {
      if (part.text !== '') out.push({ text: part.text });
    } else if (part.type === 'image') {
      out.push(encodeImage(part));
    } else {
      const text = toolResultText(part);
      out.push({
        functionResponse: {
          name: part.name ?? callNames.get(part.callId) ?? 'tool',
          id: part.callId,
          response: part.isError === true ? { error: text } : { content: text },
        },
      });
      for (const c of part.content) if (c.type === 'image') resultImages.push(encodeImage(c));
    }
  }
  return [...out, ...resultImages];
}

export function encodeContents(messages: CanonicalMessage[]): GeminiContent[] {
  const callNames = new Map<string, string>();
  const contents: GeminiContent[] = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'model' : 'user';
    const parts = message.role === 'assistant' ? encodeAssistant(message.content, callNames) : encodeUser(message, callNames);
    if (parts.length === 0) continue;
    const last = contents[contents.length - 1];
    if (last !== undefined && last.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  }
  return contents;
}
