/**
 * A small POSIX-shell word splitter, just enough to tell what a command line does: it splits a script
 * into simple commands (at `;`, `&`, `&&`, `||`, `|`, newlines and parentheses), removes quotes, and
 * notes output redirections to a file. Here-document bodies are skipped; comments are dropped.
 * It never throws: an unterminated quote simply ends the script.
 */

export interface ShellSegment {
  /** The command's words, quotes removed. Redirection operators and their targets are not included. */
  words: string[];
  /** Output goes to a file (`>`, `>>`, `&>`), not to a descriptor or `/dev/…`. */
  redirectsToFile: boolean;
}

type Pending = 'none' | 'output' | 'input' | 'heredoc';

const isBlank = (c: string): boolean => c === ' ' || c === '\t' || c === '\r';

class Splitter {
  readonly segments: ShellSegment[] = [];
  private words: string[] = [];
  private redirectsToFile = false;
  private word: string | null = null;
  private pending: Pending = 'none';
  private heredocs: string[] = [];

  append(c: string): void {
    this.word = (this.word ?? '') + c;
  }

  startWord(): void {
    this.word ??= '';
  }

  hasWord(): boolean {
    return this.word !== null;
  }

  endWord(): void {
    if (this.word === null) return;
    const w = this.word;
    this.word = null;
    if (this.pending === 'output') {
      if (w !== '' && !w.startsWith('/dev/')) this.redirectsToFile = true;
    } else if (this.pending === 'heredoc') {
      this.heredocs.push(w);
    } else if (this.pending === 'none') {
      this.words.push(w);
    }
    this.pending = 'none';
  }

  expect(p: Pending): void {
    this.endWord();
    this.pending = p;
  }

  /** A descriptor number written right before `>` (`2>`) belongs to the operator, not to the words. */
  dropDescriptorWord(): void {
    if (this.word !== null && /^\d+$/.test(this.word)) this.word = null;
  }

  endSegment(): void {
    this.endWord();
    this.pending = 'none';
    if (this.words.length > 0 || this.redirectsToFile) this.segments.push({ words: this.words, redirectsToFile: this.redirectsToFile });
    this.words = [];
    this.redirectsToFile = false;
  }

  takeHeredocs(): string[] {
    const h = this.heredocs;
    this.heredocs = [];
    return h;
  }
}

/** Index of the first character after the here-document bodies that start at `from`. */
function skipHeredocBodies(script: string, from: number, delimiters: readonly string[]): number {
  let pos = from;
  for (const delimiter of delimiters) {
    while (pos < script.length) {
      const nl = script.indexOf('\n', pos);
      const end = nl === -1 ? script.length : nl;
      const line = script.slice(pos, end);
      pos = end + 1;
      if (line.trim() === delimiter) break;
    }
  }
  return pos;
}

/** Handles `>`, `>>`, `>|`, `>&N` starting at index i (the `>`); returns the index of its last character. */
function readOutputRedirect(script: string, i: number, s: Splitter): number {
  s.dropDescriptorWord();
  let j = i;
  if (script[j + 1] === '>' || script[j + 1] === '|') j++;
  if (script[j + 1] === '&') {
    // `>&2`, `2>&1`: a descriptor, not a file. Skip the descriptor digits (or `-`).
    s.endWord();
    j++;
    while (j + 1 < script.length && /[\d-]/.test(script[j + 1] ?? '')) j++;
    return j;
  }
  s.expect('output');
  return j;
}

export function splitShell(script: string): ShellSegment[] {
  const s = new Splitter();
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i] ?? '';
    const next = script[i + 1] ?? '';
    if (quote === "'") {
      if (c === "'") quote = null;
      else s.append(c);
      continue;
    }
    if (quote === '"') {
      if (c === '\\' && '"\\$`'.includes(next) && next !== '') {
        s.append(next);
        i++;
      } else if (c === '"') quote = null;
      else s.append(c);
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      s.startWord();
    } else if (c === '\\') {
      if (next !== '\n' && next !== '') s.append(next);
      i++;
    } else if (isBlank(c)) {
      s.endWord();
    } else if (c === '\n') {
      s.endSegment();
      const heredocs = s.takeHeredocs();
      if (heredocs.length > 0) i = skipHeredocBodies(script, i + 1, heredocs) - 1;
    } else if (c === '#' && !s.hasWord()) {
      const nl = script.indexOf('\n', i);
      i = (nl === -1 ? script.length : nl) - 1;
    } else if (c === '&' && next === '>') {
      i = readOutputRedirect(script, i + 1, s);
    } else if (c === '>') {
      i = readOutputRedirect(script, i, s);
    } else if (c === '<') {
      if (next === '<' && script[i + 2] === '<') {
        i += 2;
        s.expect('input');
      } else if (next === '<') {
        i += script[i + 2] === '-' ? 2 : 1;
        s.expect('heredoc');
      } else s.expect('input');
    } else if (c === ';' || c === '&' || c === '|' || c === '(' || c === ')') {
      s.endSegment();
      if ((c === '&' || c === '|') && next === c) i++;
    } else {
      s.append(c);
    }
  }
  s.endSegment();
  return s.segments;
}
