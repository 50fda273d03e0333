/**
 * What a shell command line does to files: `sed -i`, redirections, `mv`/`cp`/`rm`… write; `rg`, `grep`,
 * `find`, `ls` search; `cat`, `head`, `sed -n`… read. A script of several commands takes the strongest
 * category among them (write > search > read > other), so `cd src && sed -i … f` is a write.
 */
import { splitShell, type ShellSegment } from './shell-words.js';
import type { ToolCategory } from './types.js';

const WRITE_COMMANDS = new Set(['tee', 'mv', 'cp', 'rm', 'rmdir', 'touch', 'mkdir', 'ln', 'truncate', 'patch', 'apply_patch', 'applypatch']);
const SEARCH_COMMANDS = new Set(['rg', 'grep', 'egrep', 'fgrep', 'find', 'fd', 'ls', 'ag', 'ack', 'tree']);
const READ_COMMANDS = new Set(['cat', 'head', 'tail', 'nl', 'less', 'more', 'wc', 'bat', 'sed', 'awk', 'diff', 'stat', 'file']);
const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'fish']);
/** Words that run the command after them. */
const WRAPPERS = new Set(['sudo', 'env', 'command', 'builtin', 'exec', 'time', 'nohup', 'nice']);
/** xargs options that take a separate argument. */
const XARGS_ARG_OPTIONS = new Set(['-I', '-n', '-P', '-L', '-d', '-E', '-s', '-a']);

const RANK: Record<ToolCategory, number> = { other: 0, read: 1, search: 2, write: 3 };

export function strongestCategory(categories: Iterable<ToolCategory>): ToolCategory {
  let best: ToolCategory = 'other';
  for (const c of categories) if (RANK[c] > RANK[best]) best = c;
  return best;
}

const baseName = (word: string): string => word.slice(word.lastIndexOf('/') + 1);

/** Drops environment assignments and wrappers (`FOO=1 sudo xargs -n 1 rm` → `rm`). */
function commandWords(words: readonly string[]): string[] {
  let i = 0;
  while (i < words.length) {
    const w = words[i] ?? '';
    const name = baseName(w);
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) || WRAPPERS.has(name)) {
      i++;
      while (i < words.length && (words[i] ?? '').startsWith('-')) i++;
    } else if (name === 'timeout') {
      i += 2;
    } else if (name === 'xargs') {
      i++;
      while (i < words.length && (words[i] ?? '').startsWith('-')) i += XARGS_ARG_OPTIONS.has(words[i] ?? '') ? 2 : 1;
    } else break;
  }
  return words.slice(i);
}

/** The script of `bash -c '…'` / `bash -lc '…'`, when the words are one. */
function nestedScript(words: readonly string[]): string | undefined {
  if (!SHELLS.has(baseName(words[0] ?? ''))) return undefined;
  const flag = words.findIndex((w, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(w));
  return flag === -1 ? undefined : words[flag + 1];
}

function gitCategory(sub: string | undefined): ToolCategory {
  if (sub === 'apply' || sub === 'mv' || sub === 'rm') return 'write';
  if (sub === 'grep' || sub === 'ls-files') return 'search';
  if (sub === 'diff' || sub === 'show' || sub === 'log' || sub === 'status' || sub === 'blame' || sub === 'cat-file') return 'read';
  return 'other';
}

function findCategory(args: readonly string[]): ToolCategory {
  if (args.includes('-delete')) return 'write';
  const exec = args.findIndex((a) => a === '-exec' || a === '-execdir');
  if (exec !== -1 && categorizeArgv(args.slice(exec + 1)) === 'write') return 'write';
  return 'search';
}

/** The category of one command given as argv (`["sed", "-i", "s/a/b/", "f"]`). */
export function categorizeArgv(argv: readonly string[]): ToolCategory {
  const words = commandWords(argv);
  const nested = nestedScript(words);
  if (nested !== undefined) return categorizeScript(nested);
  const name = baseName(words[0] ?? '');
  const args = words.slice(1);
  if (name === 'sed') return args.some((a) => /^-[nEersuz]*i/.test(a) || a.startsWith('--in-place')) ? 'write' : 'read';
  if (name === 'perl') return args.some((a) => /^-[plnaeEws]*i/.test(a)) ? 'write' : 'other';
  if (name === 'git') return gitCategory(args.find((a) => !a.startsWith('-')));
  if (name === 'find') return findCategory(args);
  if (WRITE_COMMANDS.has(name)) return 'write';
  if (SEARCH_COMMANDS.has(name)) return 'search';
  if (READ_COMMANDS.has(name)) return 'read';
  return 'other';
}

function categorizeSegment(segment: ShellSegment): ToolCategory {
  if (segment.redirectsToFile) return 'write';
  return categorizeArgv(segment.words);
}

/** The category of a shell script (`cd src && rg foo | head`). */
export function categorizeScript(script: string): ToolCategory {
  return strongestCategory(splitShell(script).map(categorizeSegment));
}
