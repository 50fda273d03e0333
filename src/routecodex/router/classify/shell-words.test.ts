import { describe, expect, it } from 'vitest';
import { splitShell } from './shell-words.js';

describe('splitShell', () => {
  it('splits at operators and removes quotes', () => {
    expect(splitShell(`cd "my dir" && sed -i 's/a b/c/' f; echo "x\\"y" | wc -l || true & ls`)).toEqual([
      { words: ['cd', 'my dir'], redirectsToFile: false },
      { words: ['sed', '-i', 's/a b/c/', 'f'], redirectsToFile: false },
      { words: ['echo', 'x"y'], redirectsToFile: false },
      { words: ['wc', '-l'], redirectsToFile: false },
      { words: ['true'], redirectsToFile: false },
      { words: ['ls'], redirectsToFile: false },
    ]);
  });

  it('tells file redirections from descriptor and /dev redirections', () => {
    expect(splitShell('make > out.log')).toEqual([{ words: ['make'], redirectsToFile: true }]);
    expect(splitShell('make 2>err.log')).toEqual([{ words: ['make'], redirectsToFile: true }]);
    expect(splitShell('make 2>&1 >/dev/null')).toEqual([{ words: ['make'], redirectsToFile: false }]);
    expect(splitShell('make &> /dev/null')).toEqual([{ words: ['make'], redirectsToFile: false }]);
    expect(splitShell('sort < in.txt')).toEqual([{ words: ['sort'], redirectsToFile: false }]);
  });

  it('skips here-document bodies and comments', () => {
    expect(splitShell("cat <<'EOF' > a.ts\nrm -rf /\nEOF\nls # rm x\n")).toEqual([
      { words: ['cat'], redirectsToFile: true },
      { words: ['ls'], redirectsToFile: false },
    ]);
  });

  it('never throws on an unterminated quote', () => {
    expect(splitShell(`echo "unterminated`)).toEqual([{ words: ['echo', 'unterminated'], redirectsToFile: false }]);
  });
});
