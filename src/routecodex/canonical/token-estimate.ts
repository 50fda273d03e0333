/**
 * A fast token estimate without a tokenizer: ASCII runs at ~4 characters a token, CJK at ~1 per
 * character, other scripts at ~2. Long strings are sampled, so the cost stays flat for huge prompts
 * (this runs on every request for long-context classification and context-window fit).
 */
import type { CanonicalRequest } from './request.js';

const SAMPLE = 2048;

function weightOf(code: number): number {
  if (code < 128) return 0.25;
  if ((code >= 0x3000 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff)) return 1;
  return 0.5;
}

function sampledWeight(text: string, from: number, to: number): number {
  let w = 0;
  for (let i = from; i < to; i++) w += weightOf(text.charCodeAt(i));
  return w;
}

export function estimateTextTokens(text: string): number {
  const n = text.length;
  if (n === 0) return 0;
  if (n <= SAMPLE * 3) return Math.ceil(sampledWeight(text, 0, n));
  // Head, middle and tail samples, extrapolated.
  const mid = Math.floor(n / 2 - SAMPLE / 2);
  const w = sampledWeight(text, 0, SAMPLE) + sampledWeight(text, mid, mid + SAMPLE) + sampledWeight(text, n - SAMPLE, n);
  return Math.ceil((w / (SAMPLE * 3)) * n);
}

/** Images count as a typical ~1 megapixel picture. */
const IMAGE_TOKENS = 1200;
/** Per-message framing overhead. */
const MESSAGE_OVERHEAD = 4;

export function estimateRequestTokens(req: CanonicalRequest): number {
  let total = 0;
  for (const p of req.system) total += estimateTextTokens(p.text);
  for (const m of req.messages) {
    total += MESSAGE_OVERHEAD;
    for (const part of m.content) {
      switch (part.type) {
        case 'text':
        case 'reasoning':
          total += estimateTextTokens(part.text);
          break;
        case 'image':
          total += IMAGE_TOKENS;
          break;
        case 'tool_call':
          total += estimateTextTokens(part.name) + estimateTextTokens(part.arguments);
          break;
        case 'tool_result':
          for (const c of part.content) total += c.type === 'text' ? estimateTextTokens(c.text) : IMAGE_TOKENS;
          break;
      }
    }
  }
  for (const t of req.tools) total += estimateTextTokens(JSON.stringify(t.type === 'function' ? { n: t.name, d: t.description, p: t.parameters } : t.raw));
  return total;
}
