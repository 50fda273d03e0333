/**
 * Line-level markdown structure, just enough to know which lines are code: fenced blocks (``` / ~~~,
 * unclosed = to the end) and indented code blocks (4 columns past the enclosing list item's content,
 * not interrupting a paragraph). Blockquote markers are looked through. A CommonMark subset, on purpose.
 */

export type LineKind = 'code' | 'blank' | 'text';

interface Fence {
  char: '`' | '~';
  length: number;
}

const FENCE_OPEN = /^(`{3,}|~{3,})(.*)$/;
const LIST_ITEM = /^([-+*]|\d{1,9}[.)])( +|$)/;
const ATX_HEADING = /^#{1,6}(\s|$)/;
const THEMATIC_BREAK = /^([-*_])([ \t]*\1){2,}[ \t]*$/;

export class BlockTracker {
  private fence: Fence | undefined;
  private paragraphOpen = false;
  private prevBlank = true;
  /** Content indents of the open list items, innermost last. */
  private readonly listIndents: number[] = [];

  /** Classifies the next line (without its `\n`) and advances the state. */
  classify(rawLine: string): LineKind {
    const line = stripBlockquote(rawLine.replace(/\r$/, ''));
    if (this.fence) {
      if (closesFence(line, this.fence)) this.fence = undefined;
      return this.code();
    }
    if (line.trim() === '') {
      this.prevBlank = true;
      this.paragraphOpen = false;
      return 'blank';
    }
    const indent = indentWidth(line);
    const body = line.slice(leadingWhitespaceLength(line));
    if (this.prevBlank || LIST_ITEM.test(body)) {
      // After a blank line, a line left of the item's content ends that item (same for a sibling item).
      while ((this.listIndents.at(-1) ?? -1) > indent) this.listIndents.pop();
    }
    const base = this.listIndents.at(-1) ?? 0;
    if (!this.paragraphOpen && indent >= base + 4) return this.code();
    const fence = FENCE_OPEN.exec(body);
    if (fence && !(fence[1]?.startsWith('`') && fence[2]?.includes('`'))) {
      const marker = fence[1] ?? '```';
      this.fence = { char: marker[0] === '~' ? '~' : '`', length: marker.length };
      return this.code();
    }
    this.prevBlank = false;
    if (ATX_HEADING.test(body) || THEMATIC_BREAK.test(body)) {
      this.paragraphOpen = false;
      return 'text';
    }
    const item = LIST_ITEM.exec(body);
    if (item) {
      const spaces = item[2]?.length ?? 0;
      const contentIndent = indent + (item[1]?.length ?? 1) + (spaces === 0 || spaces > 4 ? 1 : spaces);
      this.listIndents.push(contentIndent);
    }
    this.paragraphOpen = true;
    return 'text';
  }

  /** An inline construct (tag, code span) ran over several lines: they were paragraph text. */
  continuedParagraph(): void {
    this.prevBlank = false;
    this.paragraphOpen = true;
  }

  private code(): LineKind {
    this.prevBlank = false;
    this.paragraphOpen = false;
    return 'code';
  }
}

function stripBlockquote(line: string): string {
  let out = line;
  for (let m = /^ {0,3}> ?/.exec(out); m; m = /^ {0,3}> ?/.exec(out)) out = out.slice(m[0].length);
  return out;
}

function closesFence(line: string, fence: Fence): boolean {
  const body = line.trim();
  if (body.length < fence.length) return false;
  for (const ch of body) if (ch !== fence.char) return false;
  return true;
}

function leadingWhitespaceLength(line: string): number {
  let i = 0;
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i;
}

/** Leading columns, a tab advancing to the next multiple of 4. */
function indentWidth(line: string): number {
  let col = 0;
  for (const ch of line) {
    if (ch === ' ') col++;
    else if (ch === '\t') col += 4 - (col % 4);
    else break;
  }
  return col;
}
