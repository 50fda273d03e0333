/**
 * Reading a few facts off an SSE event's JSON text without parsing it, for the passthrough hot path: a
 * committed same-protocol stream forwards plain content deltas as the upstream wrote them, and decodes
 * everything else. Every check errs towards "decode it": a false answer only costs a parse.
 *
 * Why a substring can be trusted: inside a JSON string a double quote is always escaped (`\"`), so
 * `"key"` followed by `:` can only be a key of some object in the text, never a piece of content.
 */

const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13;

/** Index just past the `:` after a `"key"` occurrence ending at `from`, or -1 when no `:` follows (not a key). */
function afterColon(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i) !== 58 /* : */) return -1;
  i++;
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** `{` first and `}` last: the shape every protocol's event object has (a cheap guard against cut or garbled lines). */
export function looksLikeObject(text: string): boolean {
  return text.charCodeAt(0) === 123 && text.charCodeAt(text.length - 1) === 125;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A pattern that finds, in one native regex pass (cheaper than a loop or one `indexOf` per key, and
 * several times cheaper than parsing): any of the `forbidden` keys, or any of the `nullOnly` keys not
 * followed by `: null` (which also catches the word as a string value — that errs towards decoding).
 */
export function statefulKeyPattern(forbidden: readonly string[], nullOnly: readonly string[]): RegExp {
  const alternatives: string[] = [];
  if (forbidden.length > 0) alternatives.push(`"(?:${forbidden.map(escapeRegExp).join('|')})"`);
  if (nullOnly.length > 0) alternatives.push(`"(?:${nullOnly.map(escapeRegExp).join('|')})"(?!\\s*:\\s*null\\b)`);
  if (alternatives.length === 0) throw new Error('statefulKeyPattern needs at least one key');
  return new RegExp(alternatives.join('|'));
}

/**
 * True when the first `"type"` key of the text has one of `names` as its value. Only meaningful for
 * names no nested object of the protocol uses (then the first such key is the event's own type).
 */
export function firstTypeIsOneOf(text: string, names: ReadonlySet<string>): boolean {
  const at = text.indexOf('"type"');
  if (at === -1) return false;
  const value = afterColon(text, at + 6);
  if (value === -1 || text.charCodeAt(value) !== 34 /* " */) return false;
  const end = text.indexOf('"', value + 1);
  return end !== -1 && names.has(text.slice(value + 1, end));
}
