import { describe, expect, it } from 'vitest';
import { categorizeToolCall, commandOfArguments, normalizeToolName } from './tool-signals.js';
import type { ToolCategory } from './types.js';

const shell = (command: string) => JSON.stringify({ command });
const argv = (...command: string[]) => JSON.stringify({ command });

describe('shell commands', () => {
  const table: Array<[string, ToolCategory]> = [
    ["sed -i 's/a/b/' src/x.ts", 'write'],
    ["sed -i.bak -e 's/a/b/' f", 'write'],
    ["sed -Ei 's/a/b/' f", 'write'],
    ["sed --in-place 's/a/b/' f", 'write'],
    ["perl -pi -e 's/a/b/' f", 'write'],
    ["perl -i.bak -pe 's/a/b/' f", 'write'],
    ['echo hello | tee out.txt', 'write'],
    ['echo hello > out.txt', 'write'],
    ['echo hello >> out.txt', 'write'],
    ["cat > src/new.ts <<'EOF'\nexport const a = 1;\nEOF", 'write'],
    ['mv a.ts b.ts', 'write'],
    ['cp a.ts b.ts', 'write'],
    ['rm -rf build', 'write'],
    ['touch src/new.ts', 'write'],
    ['mkdir -p src/new', 'write'],
    ['git apply fix.patch', 'write'],
    ['patch -p1 < fix.diff', 'write'],
    ['cd src && sed -i "s/x/y/" a.ts', 'write'],
    ["bash -lc 'sed -i s/a/b/ f'", 'write'],
    ['find . -name "*.orig" -delete', 'write'],
    ['find . -name "*.tmp" | xargs rm', 'write'],
    ['sudo FOO=1 rm -f /tmp/x', 'write'],
    ['rg -n "TODO" src', 'search'],
    ['grep -rn foo .', 'search'],
    ['find . -name "*.ts"', 'search'],
    ['ls -la', 'search'],
    ['cd src && ls', 'search'],
    ['rg foo | head -n 20', 'search'],
    ['cat README.md', 'read'],
    ['head -n 50 src/a.ts', 'read'],
    ['tail -f log.txt', 'read'],
    ["sed -n '1,80p' src/a.ts", 'read'],
    ['nl -ba src/a.ts | sed -n 10,20p', 'read'],
    ['less file.txt', 'read'],
    ['git diff HEAD~1', 'read'],
    ['npm test 2>&1', 'other'],
    ['npm test > /dev/null 2>&1', 'other'],
    ['npx tsc --noEmit &>/dev/null', 'other'],
    ['python -m pytest', 'other'],
    ['echo "a > b"', 'other'],
    ['# rm -rf everything\nnpm run build', 'other'],
    ["cat <<'EOF'\nrm -rf /\nEOF", 'read'],
  ];
  it.each(table)('%j → %s', (command, expected) => {
    expect(categorizeToolCall('shell', shell(command))).toBe(expected);
  });

  it('reads argv arrays, including bash -lc scripts', () => {
    expect(categorizeToolCall('shell', argv('bash', '-lc', "sed -i 's/a/b/' f"))).toBe('write');
    expect(categorizeToolCall('shell', argv('bash', '-lc', 'rg foo'))).toBe('search');
    expect(categorizeToolCall('shell', argv('rg', 'a > b'))).toBe('search');
    expect(categorizeToolCall('shell', argv('apply_patch', '*** Begin Patch\n*** Update File: a.ts\n'))).toBe('write');
    expect(categorizeToolCall('exec_command', JSON.stringify({ cmd: 'cat a.ts' }))).toBe('read');
  });

  it('recognizes shell tools by name', () => {
    for (const name of ['Bash', 'shell', 'local_shell', 'container.exec', 'exec_command', 'run_terminal_cmd', 'run_shell_command', 'execute_command']) {
      expect(categorizeToolCall(name, shell('rm x')), name).toBe('write');
    }
    expect(categorizeToolCall('lookup_user', shell('rm x'))).toBe('other');
  });

  it('tolerates invalid JSON arguments', () => {
    expect(categorizeToolCall('shell', '{"command": "sed -i s/a/b/ f", "timeo')).toBe('write');
    expect(categorizeToolCall('shell', '{"command": "rg fo')).toBe('search');
    expect(categorizeToolCall('shell', 'ls -la')).toBe('search');
    expect(categorizeToolCall('shell', '{not json')).toBe('other');
    expect(categorizeToolCall('shell', '')).toBe('other');
    expect(categorizeToolCall('shell', '{"timeout": 5}')).toBe('other');
    expect(commandOfArguments('42')).toBeUndefined();
  });
});

describe('tools by name', () => {
  const table: Array<[string, string, ToolCategory]> = [
    ['apply_patch', '{"input":"*** Begin Patch"}', 'write'],
    ['Edit', '{}', 'write'],
    ['MultiEdit', '{}', 'write'],
    ['Write', '{}', 'write'],
    ['write_file', '{}', 'write'],
    ['mcp__filesystem__write_file', '{}', 'write'],
    ['create_file', '{}', 'write'],
    ['NotebookEdit', '{}', 'write'],
    ['str_replace_editor', '{"command":"str_replace"}', 'write'],
    ['str_replace_based_edit_tool', '{"command":"create"}', 'write'],
    ['str_replace_based_edit_tool', '{"command":"view","path":"a.ts"}', 'read'],
    ['Read', '{}', 'read'],
    ['view', '{}', 'read'],
    ['Grep', '{}', 'search'],
    ['Glob', '{}', 'search'],
    ['LS', '{}', 'search'],
    ['web_search', '{}', 'other'],
    ['get_weather', '{}', 'other'],
  ];
  it.each(table)('%s %s → %s', (name, args, expected) => {
    expect(categorizeToolCall(name, args)).toBe(expected);
  });

  it('normalizes names', () => {
    expect(normalizeToolName('functions.MultiEdit')).toBe('multi_edit');
    expect(normalizeToolName('mcp__fs__write_file')).toBe('write_file');
    expect(normalizeToolName('notebook edit')).toBe('notebook_edit');
  });
});
