/**
 * Finding `<**…**>` tags in text and removing some of them. A tag ends at the first `**>` outside a
 * double-quoted string (so a stopMessage text may contain `**>`); a `<**` met before the end means the
 * earlier opening was never closed, and scanning restarts there. Removal collapses the whitespace
 * around the removed tags so no double space or extra blank line remains where they stood.
 */

export interface TagSpan {
  start: number;
  /** Index just past the closing `**>`. */
  end: number;
  /** The text between `<**` and `**>`, untrimmed. */
  body: string;
}

const OPEN = '<**';
const CLOSE = '**>';

/** Where the tag opened at `open` ends, or where a later `<**` reopens first; undefined when it never closes. */
function closeOf(text: string, open: number): { end: number } | { reopen: number } | undefined {
  let inQuote = false;
  for (let i = open + OPEN.length; i < text.length; i++) {
    const c = text[i];
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') inQuote = true;
    else if (text.startsWith(CLOSE, i)) return { end: i + CLOSE.length };
    else if (text.startsWith(OPEN, i)) return { reopen: i };
  }
  return undefined;
}

export function findTags(text: string): TagSpan[] {
  const tags: TagSpan[] = [];
  let from = 0;
  while (from < text.length) {
    const open = text.indexOf(OPEN, from);
    if (open === -1) break;
    const found = closeOf(text, open);
    if (found === undefined) {
      // Unterminated (or an unclosed quote): look for a later opening.
      from = open + 1;
    } else if ('reopen' in found) {
      from = found.reopen;
    } else {
      tags.push({ start: open, end: found.end, body: text.slice(open + OPEN.length, found.end - CLOSE.length) });
      from = found.end;
    }
  }
  return tags;
}

const newlines = (s: string): number => s.split('\n').length - 1;

/**
 * The whitespace that replaces a removed run: the (last) run with most newlines, so the next line keeps
 * its indentation; else one space; else nothing.
 */
function joiner(runs: readonly string[]): string {
  let best = '';
  for (const run of runs) if (newlines(run) > 0 && newlines(run) >= newlines(best)) best = run;
  // No trailing spaces left on the line before.
  if (best !== '') return best.replace(/^[ \t]+/, '');
  return runs.some((r) => r !== '') ? ' ' : '';
}

/** Removes the given spans (sorted, non-overlapping) and collapses the whitespace around them. */
export function removeSpans(text: string, spans: ReadonlyArray<{ start: number; end: number }>): string {
  if (spans.length === 0) return text;
  const pieces: string[] = [];
  let cursor = 0;
  for (const s of spans) {
    pieces.push(text.slice(cursor, s.start));
    cursor = s.end;
  }
  pieces.push(text.slice(cursor));

  let out = pieces[0] ?? '';
  let runs: string[] = [];
  for (let i = 1; i < pieces.length; i++) {
    if (runs.length === 0) {
      const trailing = /\s*$/.exec(out)?.[0] ?? '';
      out = out.slice(0, out.length - trailing.length);
      runs = [trailing];
    }
    const piece = pieces[i] ?? '';
    const leading = /^\s*/.exec(piece)?.[0] ?? '';
    const rest = piece.slice(leading.length);
    runs.push(leading);
    // A piece of only whitespace between two removed tags joins the same run.
    if (rest === '' && i < pieces.length - 1) continue;
    const atEdge = out === '' || rest === '';
    out += (atEdge ? '' : joiner(runs)) + rest;
    runs = [];
  }
  return out;
}
