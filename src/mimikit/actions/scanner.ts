/**
 * Finds every `M:` tag of a reply that is outside code, in order. Code = fenced and indented code
 * blocks (see markdown-blocks.ts) and inline code spans; a tag or a code span, whichever starts first,
 * owns the characters it covers (as in CommonMark), so a backtick inside a quoted attribute is not code.
 */
import { BlockTracker } from './markdown-blocks.js';
import { findClosingTag, readTag } from './tag-syntax.js';

export interface ScannedTag {
  /** `paired` = `<M:x …>content</M:x>`; a lone `open` tag has no closing partner. */
  kind: 'self_closing' | 'paired' | 'open' | 'close';
  name: string;
  attrs: Record<string, string>;
  content?: string;
  /** Malformed attribute syntax. */
  error?: string;
  start: number;
  /** Just past the tag (past the closing tag for a paired one). */
  end: number;
}

export interface TagScan {
  tags: ScannedTag[];
  /** Where an unfinished tag (`<M:…` without `>`) starts at the end of the text. */
  danglingStart?: number;
}

/** A blank line or a fence line: the end of the paragraph an inline code span must close in. */
const PARAGRAPH_BREAK = /\n[ \t]*(?:\r?\n|`{3,}|~{3,})/;
const ASCII_PUNCTUATION = /[!-/:-@[-`{-~]/;

export function scanTags(text: string): TagScan {
  const tags: ScannedTag[] = [];
  const blocks = new BlockTracker();
  const breaks = new ParagraphBreaks(text);
  let pos = 0;
  while (pos < text.length) {
    const lineEnd = lineEndAt(text, pos);
    if (blocks.classify(text.slice(pos, lineEnd)) !== 'text') {
      pos = lineEnd + 1;
      continue;
    }
    const inline = scanInline(text, pos, tags, breaks);
    if (inline.danglingStart !== undefined) return { tags, danglingStart: inline.danglingStart };
    if (inline.crossedLines) blocks.continuedParagraph();
    pos = inline.next;
  }
  return { tags };
}

interface InlineScan {
  /** Start of the next line to classify. */
  next: number;
  crossedLines: boolean;
  danglingStart?: number;
}

/** Scans one paragraph line from `pos`; a tag or code span may carry the scan onto later lines. */
function scanInline(text: string, pos: number, tags: ScannedTag[], breaks: ParagraphBreaks): InlineScan {
  let i = pos;
  let lineEnd = lineEndAt(text, i);
  let crossedLines = false;
  while (i < lineEnd) {
    const ch = text[i];
    let next = i + 1;
    if (ch === '\\' && ASCII_PUNCTUATION.test(text[i + 1] ?? '')) {
      next = i + 2;
    } else if (ch === '`') {
      next = skipCodeSpan(text, i, breaks);
    } else if (ch === '<') {
      const read = readTag(text, i);
      if (read.kind === 'incomplete' && read.clean) return { next: text.length, crossedLines, danglingStart: i };
      if (read.kind === 'tag') {
        const { tag } = read;
        const base = { name: tag.name, attrs: tag.attrs, start: i, ...(tag.error !== undefined ? { error: tag.error } : {}) };
        const closing = tag.kind === 'open' ? findClosingTag(text, tag.name, tag.end) : undefined;
        if (closing) {
          tags.push({ ...base, kind: 'paired', content: text.slice(tag.end, closing.start), end: closing.end });
          next = closing.end;
        } else {
          tags.push({ ...base, kind: tag.kind, end: tag.end });
          next = tag.end;
        }
      }
    }
    if (next > lineEnd) {
      crossedLines = true;
      lineEnd = lineEndAt(text, next);
    }
    i = next;
  }
  return { next: lineEnd + 1, crossedLines };
}

/** Past the code span opened by the backtick run at `pos`, or past the run when it is never closed. */
function skipCodeSpan(text: string, pos: number, breaks: ParagraphBreaks): number {
  let runEnd = pos;
  while (text[runEnd] === '`') runEnd++;
  const length = runEnd - pos;
  const limit = breaks.after(runEnd);
  let j = text.indexOf('`', runEnd);
  while (j !== -1 && j < limit) {
    let k = j;
    while (text[k] === '`') k++;
    if (k - j === length) return k;
    j = text.indexOf('`', k);
  }
  return runEnd;
}

/** The next paragraph break at or after a position; remembers the last search (positions only grow). */
class ParagraphBreaks {
  private from = -1;
  private found = -1;
  private readonly re = new RegExp(PARAGRAPH_BREAK.source, 'g');

  constructor(private readonly text: string) {}

  after(pos: number): number {
    if (this.from < 0 || pos < this.from || pos > this.found) {
      this.re.lastIndex = pos;
      this.from = pos;
      this.found = this.re.exec(this.text)?.index ?? this.text.length;
    }
    return this.found;
  }
}

function lineEndAt(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl === -1 ? text.length : nl;
}
