/**
 * The layering of SYSTEM.md, enforced on every non-test source file: `shared/` knows neither program;
 * the programs know each other only through RouteCodex's public API; inside each program, a folder may
 * import only the folders listed for it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve('src');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.startsWith('test-') ? [p] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\s+from\s+)?['"](\.[^'"]+)['"]/g;

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => path.relative(SRC, path.resolve(path.dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
}

/** The area of a src-relative path: `shared`, `routecodex/<folder>`, `mimikit/<folder>`. */
function area(rel: string): string {
  const parts = rel.split(path.sep);
  if (parts[0] === 'shared') return 'shared';
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : `${parts[0]}/(root)`;
}

/** Which areas each area may import (besides itself and `shared`). */
const ALLOWED: Record<string, string[]> = {
  shared: [],
  'routecodex/canonical': [],
  'routecodex/config': ['routecodex/canonical'],
  'routecodex/protocols': ['routecodex/canonical'],
  'routecodex/conversation': ['routecodex/canonical'],
  'routecodex/providers': ['routecodex/canonical', 'routecodex/config', 'routecodex/protocols'],
  'routecodex/router': ['routecodex/canonical', 'routecodex/config', 'routecodex/protocols', 'routecodex/providers'],
  'routecodex/manager': ['routecodex/canonical', 'routecodex/config', 'routecodex/router', 'routecodex/providers'],
  'routecodex/server': ['routecodex/canonical', 'routecodex/config', 'routecodex/protocols', 'routecodex/providers', 'routecodex/router', 'routecodex/conversation', 'routecodex/manager'],
  // The fake upstream must not share code with the codecs it tests.
  'routecodex/testing': [],
  'routecodex/(root)': ['routecodex/*'],
  'routecodex/cli': ['routecodex/*'],
  'mimikit/model': [],
  'mimikit/config': ['mimikit/model'],
  'mimikit/storage': ['mimikit/model'],
  'mimikit/llm': ['mimikit/model'],
  'mimikit/actions': ['mimikit/model'],
  'mimikit/prompts': ['mimikit/model'],
  'mimikit/worker': ['mimikit/model', 'mimikit/llm', 'mimikit/storage', 'mimikit/prompts'],
  'mimikit/manager': ['mimikit/model', 'mimikit/llm', 'mimikit/storage', 'mimikit/prompts', 'mimikit/actions', 'mimikit/config', 'mimikit/worker'],
  'mimikit/scheduler': ['mimikit/model', 'mimikit/storage'],
  'mimikit/orchestrator': ['mimikit/*'],
  'mimikit/http': ['mimikit/model', 'mimikit/orchestrator', 'mimikit/actions', 'mimikit/storage', 'mimikit/webui'],
  // Static assets served to the browser (plain JS, with type declarations for the tests).
  'mimikit/webui': [],
  'mimikit/cli': ['mimikit/*', 'routecodex/(root)'],
  'mimikit/(root)': ['mimikit/*', 'routecodex/(root)'],
};

function allowed(from: string, to: string, toRel: string): boolean {
  if (from === to || to === 'shared') return true;
  // mimikit may reach RouteCodex only through its public API file.
  if (from.startsWith('mimikit/') && to.startsWith('routecodex/')) {
    return (ALLOWED[from] ?? []).includes('routecodex/(root)') && toRel === path.join('routecodex', 'index.ts');
  }
  return (ALLOWED[from] ?? []).some((a) => a === to || (a.endsWith('/*') && to.startsWith(a.slice(0, -1))));
}

describe('module boundaries', () => {
  const files = sourceFiles(SRC);

  it('finds the source tree', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it('every area is declared', () => {
    const undeclared = [...new Set(files.map((f) => area(path.relative(SRC, f))))].filter((a) => !(a in ALLOWED));
    expect(undeclared).toEqual([]);
  });

  it('no forbidden import edge', () => {
    const violations: string[] = [];
    for (const file of files) {
      const rel = path.relative(SRC, file);
      const from = area(rel);
      for (const target of importsOf(file)) {
        if (target.startsWith('..')) {
          violations.push(`${rel} imports outside src: ${target}`);
          continue;
        }
        const to = area(target);
        if (!allowed(from, to, target)) violations.push(`${rel} (${from}) → ${target} (${to})`);
      }
    }
    expect(violations).toEqual([]);
  });
});
