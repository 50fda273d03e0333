/**
 * The syntax of one `<M:name attr="…"/>` tag, read at a given position. Attribute values are double-
 * or single-quoted (with `\n \r \t \\ \" \'` escapes) or bare; `>` inside quotes does not end the tag.
 * The `M:` prefix is case-insensitive; the name keeps its case.
 */

export interface TagToken {
  kind: 'open' | 'self_closing' | 'close';
  name: string;
  attrs: Record<string, string>;
  /** Index just past the closing `>`. */
  end: number;
  /** Malformed attribute syntax inside an otherwise complete tag (the tag still counts as a tag). */
  error?: string;
}

export type TagRead =
  | { kind: 'none' }
  /** `<M:` … reaches the end of the text without `>`; `clean` = what was read so far is well-formed. */
  | { kind: 'incomplete'; clean: boolean }
  | { kind: 'tag'; tag: TagToken };

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_.-]/;
const KEY_CHAR = /[A-Za-z0-9_.:-]/;
const WS = /\s/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', '"': '"', "'": "'" };

/** Reads an `M:` tag starting at `pos` (which must hold `<`). */
export function readTag(text: string, pos: number): TagRead {
  let i = pos + 1;
  const closing = text[i] === '/';
  if (closing) i++;
  if (i >= text.length || (text[i] !== 'M' && text[i] !== 'm')) return prefixAtEnd(text, i);
  i++;
  if (i >= text.length) return { kind: 'incomplete', clean: true };
  if (text[i] !== ':') return { kind: 'none' };
  i++;
  const nameStart = i;
  if (i >= text.length) return { kind: 'incomplete', clean: true };
  if (!NAME_START.test(text[i] ?? '')) return { kind: 'none' };
  while (i < text.length && NAME_CHAR.test(text[i] ?? '')) i++;
  const name = text.slice(nameStart, i);
  if (i >= text.length) return { kind: 'incomplete', clean: true };
  const after = text[i] ?? '';
  if (!WS.test(after) && after !== '/' && after !== '>') return { kind: 'none' };
  return readAttributes(text, i, name, closing);
}

/** `<` or `</` at the very end of the text is the start of a tag being streamed. */
function prefixAtEnd(text: string, i: number): TagRead {
  return i >= text.length ? { kind: 'incomplete', clean: true } : { kind: 'none' };
}

function readAttributes(text: string, start: number, name: string, closing: boolean): TagRead {
  const attrs: Record<string, string> = {};
  const problems: string[] = [];
  let i = start;
  for (;;) {
    while (i < text.length && WS.test(text[i] ?? '')) {
      // A blank line outside quotes: this was prose, not a tag.
      if (text[i] === '\n' && /^\n[ \t]*\n/.test(text.slice(i, i + 80))) return { kind: 'none' };
      i++;
    }
    if (i >= text.length) return { kind: 'incomplete', clean: problems.length === 0 };
    const ch = text[i] ?? '';
    if (ch === '>') return done(i + 1, closing ? 'close' : 'open');
    if (ch === '/' && text[i + 1] === '>') return done(i + 2, 'self_closing');
    if (ch === '/' && i + 1 >= text.length) return { kind: 'incomplete', clean: problems.length === 0 };
    if (ch === '<') return { kind: 'none' };
    if (!KEY_CHAR.test(ch)) {
      problems.push(`unexpected ${JSON.stringify(ch)}`);
      i++;
      continue;
    }
    const keyStart = i;
    while (i < text.length && KEY_CHAR.test(text[i] ?? '')) i++;
    const key = text.slice(keyStart, i);
    let j = i;
    while (j < text.length && WS.test(text[j] ?? '') && text[j] !== '\n') j++;
    if (text[j] !== '=') {
      if (j >= text.length) return { kind: 'incomplete', clean: problems.length === 0 };
      problems.push(`attribute ${key} has no value`);
      attrs[key] = '';
      continue;
    }
    j++;
    while (j < text.length && WS.test(text[j] ?? '') && text[j] !== '\n') j++;
    if (j >= text.length) return { kind: 'incomplete', clean: problems.length === 0 };
    const value = readValue(text, j);
    if (value === undefined) return { kind: 'incomplete', clean: problems.length === 0 };
    if (key in attrs) problems.push(`attribute ${key} appears twice`);
    attrs[key] = value.value;
    i = value.end;
  }

  function done(end: number, kind: TagToken['kind']): TagRead {
    const tag: TagToken = { kind, name, attrs, end };
    if (kind === 'close' && Object.keys(attrs).length > 0) problems.push('a closing tag takes no attributes');
    if (problems.length > 0) tag.error = problems.join('; ');
    return { kind: 'tag', tag };
  }
}

/** A quoted or bare value at `pos`; undefined when a quoted value is not closed before the end. */
function readValue(text: string, pos: number): { value: string; end: number } | undefined {
  const quote = text[pos];
  if (quote === '"' || quote === "'") {
    let out = '';
    let i = pos + 1;
    while (i < text.length) {
      const ch = text[i] ?? '';
      if (ch === quote) return { value: out, end: i + 1 };
      if (ch === '\\' && i + 1 < text.length) {
        const next = text[i + 1] ?? '';
        const mapped = ESCAPES[next];
        out += mapped ?? `\\${next}`;
        i += 2;
        continue;
      }
      out += ch;
      i++;
    }
    return undefined;
  }
  let i = pos;
  while (i < text.length) {
    const ch = text[i] ?? '';
    if (WS.test(ch) || ch === '>' || (ch === '/' && text[i + 1] === '>')) break;
    i++;
  }
  return { value: text.slice(pos, i), end: i };
}

/** The `</M:name>` that closes an open tag, searching from `from`; undefined when there is none. */
export function findClosingTag(text: string, name: string, from: number): { start: number; end: number } | undefined {
  let i = text.indexOf('</', from);
  while (i !== -1) {
    const read = readTag(text, i);
    if (read.kind === 'tag' && read.tag.kind === 'close' && read.tag.name === name) return { start: i, end: read.tag.end };
    i = text.indexOf('</', i + 2);
  }
  return undefined;
}
